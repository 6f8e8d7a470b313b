#include "stubs/data_client.h"

#include <cerrno>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/errno_status.h"
#include "common/fd_passing.h"
#include "stubs/read_request.h"

namespace shoal::stubs {

DataClient::~DataClient() {
  for (auto& [a, conns] : idle_) {
    for (int c : conns) ::close(c);
  }
}

Result<int> DataClient::connection(const std::string& address) {
  {
    std::lock_guard lock(mu_);
    auto& idle = idle_[address];
    if (!idle.empty()) {
      int c = idle.back();
      idle.pop_back();
      return c;
    }
  }
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return makeError(invalidArgument("data address '" + address + "' is not host:port"));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(address.substr(0, colon).c_str(), address.substr(colon + 1).c_str(), &hints, &res);
  if (rc != 0) {
    return makeError(Status(StatusCode::kUnavailable, fmt::format("data port {}: {}", address, ::gai_strerror(rc))));
  }
  auto timeval_of = [](int64_t ms) {
    return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  };
  int c = -1;
  Status last(StatusCode::kUnavailable, "data port " + address + ": no address");
  for (addrinfo* ai = res; ai && c < 0; ai = ai->ai_next) {
    c = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (c < 0) continue;
    // On Linux SO_SNDTIMEO bounds connect() too: a host that is down fails over in about the
    // connect timeout instead of the kernel's SYN retries (two minutes).
    timeval ctv = timeval_of(connect_timeout_ms_);
    ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &ctv, sizeof(ctv));
    if (::connect(c, ai->ai_addr, ai->ai_addrlen) != 0) {
      int err = errno == EINPROGRESS ? ETIMEDOUT : errno;
      last = Status(StatusCode::kUnavailable,
                    errnoStatus(err, fmt::format("connect to data port {} (timeout {} ms)", address,
                                                 connect_timeout_ms_)).message());
      ::close(c);
      c = -1;
    }
  }
  ::freeaddrinfo(res);
  if (c < 0) return makeError(last);
  int one = 1;
  ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  timeval tv = timeval_of(timeout_ms_);
  ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  return c;
}

void DataClient::release(const std::string& address, int conn) {
  std::lock_guard lock(mu_);
  idle_[address].push_back(conn);
}

Status DataClient::read(const std::string& address, const proto::ReadRequest& req, char* out, bool* unreachable) {
  *unreachable = true;
  auto conn = connection(address);
  if (!conn) return conn.error();
  std::string bytes;
  std::vector<int> fds;
  auto broken = [&](const Status& st) {
    ::close(*conn);
    return Status(StatusCode::kUnavailable, fmt::format("data port {}: {}", address, st.message()));
  };
  Status st = sendMessage(*conn, req.SerializeAsString());
  if (st) st = recvMessage(*conn, &bytes, &fds);
  for (int f : fds) ::close(f);
  if (!st) return broken(st);
  proto::DataReplyHeader h;
  if (!h.ParseFromString(bytes)) return broken(Status(StatusCode::kInternal, "unparsable reply header"));
  if (h.error_code() != 0) {
    release(address, *conn);
    *unreachable = false;
    return statusFromWire(h.error_code(), h.error_message());
  }
  const uint64_t expected = requestedBytes(req);
  if (h.length() != expected) {
    return broken(Status(StatusCode::kInternal, fmt::format("the worker sent {} bytes for a read of {}", h.length(), expected)));
  }
  for (uint64_t got = 0; got < h.length();) {
    ssize_t n = ::recv(*conn, out + got, h.length() - got, MSG_WAITALL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return broken(n < 0 ? errnoStatus(errno, "receive") : Status(StatusCode::kUnavailable, "closed mid-transfer"));
    got += static_cast<uint64_t>(n);
  }
  release(address, *conn);
  *unreachable = false;
  return Status::ok();
}

}  // namespace shoal::stubs
