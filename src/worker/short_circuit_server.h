// The worker's Unix domain socket for clients on the same host: each request names one page, and
// the reply passes the cached page file's descriptor (SCM_RIGHTS), so the client preads the bytes
// itself with no copy through the worker. One thread accepts; one thread serves each connection.
#pragma once

#include <atomic>
#include <condition_variable>
#include <set>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "worker/page_server.h"

namespace shoal::worker {

class ShortCircuitServer {
 public:
  explicit ShortCircuitServer(PageServer& pages) : pages_(pages) {}
  ~ShortCircuitServer();

  // Listens on `path` (a stale socket file of a dead worker is replaced).
  Status start(const std::string& path);
  void stop();

 private:
  void acceptLoop();
  void serve(int conn);

  PageServer& pages_;
  std::string path_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::condition_variable idle_;
  std::set<int> conns_;  // open connections, each served by a detached thread; guarded by mu_
};

}  // namespace shoal::worker
