#include "worker/short_circuit_server.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/errno_status.h"
#include "common/fd_passing.h"
#include "common/logging.h"
#include "worker/request_check.h"

namespace shoal::worker {

void ShortCircuitServer::refuse(int conn, const Status& why) {
  proto::ShortCircuitReply reply;
  reply.set_error_code(static_cast<int32_t>(why.code()));
  reply.set_error_message("short-circuit: " + why.message());
  (void)sendMessage(conn, reply.SerializeAsString());
}

void ShortCircuitServer::serve(int conn) {
  std::string bytes;
  std::vector<int> unused_fds;
  const uint64_t ps = pages_.pageSize();
  while (!stopping()) {
    if (!recvMessage(conn, &bytes, &unused_fds).isOk()) break;
    for (int f : unused_fds) ::close(f);
    proto::ReadRequest req;
    proto::ShortCircuitReply reply;
    Status bad = req.ParseFromString(bytes) ? checkReadRequest(req, "short-circuit")
                                            : invalidArgument("short-circuit: the request is not a ReadRequest");
    if (bad && req.extents_size() > 0) bad = invalidArgument("short-circuit: opens one page run; extents go to the data port");
    Result<PageHandle> first = bad ? pages_.openPage(req) : makeError(bad);
    // The handles close our copies of the descriptors after they have been sent.
    std::vector<PageHandle> handles;
    std::vector<int> fds;
    if (first) {
      reply.set_length(first->length());
      reply.add_lengths(first->length());
      fds.push_back(first->fd());
      handles.push_back(std::move(*first));
      // Later pages of the run ride along while they are cached: fewer round trips per page.
      uint64_t last = (req.offset() + std::max<uint64_t>(req.length(), 1) - 1) / ps;
      for (uint64_t i = req.offset() / ps + 1; i <= last && fds.size() < kMaxPassedFds; ++i) {
        auto h = pages_.cachedPage(req, i);
        if (!h) break;
        reply.add_lengths(h->length());
        fds.push_back(h->fd());
        handles.push_back(std::move(*h));
      }
    } else {
      reply.set_error_code(static_cast<int32_t>(first.error().code()));
      reply.set_error_message(first.error().message());
    }
    if (!sendMessage(conn, reply.SerializeAsString(), fds).isOk()) break;
    uint64_t passed = 0;
    for (const auto& h : handles) passed += h.length();
    pages_.counters().served_short_circuit_bytes.fetch_add(passed, std::memory_order_relaxed);
  }
}

}  // namespace shoal::worker
