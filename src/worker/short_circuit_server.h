// The worker's Unix domain socket for clients on the same host: each request names a run of
// pages, and the reply passes the cached page files' descriptors (SCM_RIGHTS), so the client
// preads the bytes itself with no copy through the worker.
#pragma once

#include "worker/page_server.h"
#include "worker/socket_server.h"

namespace shoal::worker {

class ShortCircuitServer final : public SocketServer {
 public:
  explicit ShortCircuitServer(PageServer& pages) : pages_(pages) {}
  ~ShortCircuitServer() override { stop(); }

 private:
  void serve(int conn) override;
  void refuse(int conn, const Status& why) override;

  PageServer& pages_;
};

}  // namespace shoal::worker
