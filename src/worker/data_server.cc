#include "worker/data_server.h"

#include <cerrno>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/errno_status.h"
#include "common/fd_passing.h"
#include "worker/request_check.h"

namespace shoal::worker {
namespace {

Status sendAll(int sock, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(sock, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return errnoStatus(errno, "send on the data port");
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::ok();
}

Status sendFile(int sock, int fd, uint64_t offset, uint64_t n) {
  off_t off = static_cast<off_t>(offset);
  while (n > 0) {
    ssize_t w = ::sendfile(sock, fd, &off, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return errnoStatus(errno, "sendfile on the data port");
    if (w == 0) return Status(StatusCode::kIoError, "sendfile on the data port: the page file ended early");
    n -= static_cast<uint64_t>(w);
  }
  return Status::ok();
}

std::string header(const Status& st, uint64_t length) {
  proto::DataReplyHeader h;
  if (!st) {
    h.set_error_code(static_cast<int32_t>(st.code()));
    h.set_error_message(st.message());
  }
  h.set_length(length);
  return h.SerializeAsString();
}

}  // namespace

void DataServer::refuse(int conn, const Status& why) {
  (void)sendMessage(conn, header(why.withContext("data port"), 0));
}

void DataServer::serve(int conn) {
  std::string bytes;
  std::vector<int> fds;
  while (!stopping()) {
    if (!recvMessage(conn, &bytes, &fds).isOk()) return;
    for (int f : fds) ::close(f);
    proto::ReadRequest req;
    Status bad;
    if (!req.ParseFromString(bytes)) bad = invalidArgument("data port: the request is not a ReadRequest");
    else if (bad = checkReadRequest(req, "data port"); bad && req.prefetch()) {
      bad = invalidArgument("data port: prefetch goes over gRPC");
    }
    if (!bad) {
      if (!sendMessage(conn, header(bad, 0)).isOk()) return;
      continue;
    }
    auto ranges = pages_.ranges(req);
    if (!ranges) {
      if (!sendMessage(conn, header(ranges.error(), 0)).isOk()) return;
      continue;
    }
    pages_.counters().read_requests_data_port.fetch_add(1, std::memory_order_relaxed);
    uint64_t total = 0;
    for (const auto& [start, end] : *ranges) total += end - start;
    // The header goes out with the first slice, so an error before any byte (a store failure on a
    // miss) is still an answer; after that, only closing the connection can say it.
    bool started = false;
    Status sent;
    Status st = pages_.read(req, [&](const ReadSlice& s) {
      if (!started) {
        started = true;
        sent = sendMessage(conn, header(Status::ok(), total));
        if (!sent) return false;
      }
      sent = s.fd >= 0 ? sendFile(conn, s.fd, s.fd_offset, s.length) : sendAll(conn, s.data, s.length);
      if (sent) pages_.counters().served_data_port_bytes.fetch_add(s.length, std::memory_order_relaxed);
      return sent.isOk();
    });
    if (!started && st) {  // an empty range
      if (!sendMessage(conn, header(Status::ok(), 0)).isOk()) return;
      continue;
    }
    if (!started) {
      if (!sendMessage(conn, header(st, 0)).isOk()) return;
      continue;
    }
    if (!st || !sent) return;  // mid-transfer: the client sees the connection close early
  }
}

}  // namespace shoal::worker
