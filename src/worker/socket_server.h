// A listening socket (Unix or TCP) whose connections are each served by their own thread: the
// shared plumbing of the worker's short-circuit and data servers. Subclasses implement serve().
// Connections are bounded (setMaxConnections): one past the bound gets refuse()'s answer and is
// closed, so threads never grow with the peers. The accept loop outlives a full descriptor table
// (EMFILE) and every other accept error; only stop() ends it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/status.h"

namespace shoal::worker {

class SocketServer {
 public:
  virtual ~SocketServer();

  // Listens on the Unix socket `path` (a stale socket file of a dead worker is replaced).
  Status listenUnix(const std::string& path);
  // Listens on host:port (0 picks a free port); port() tells which.
  Status listenTcp(const std::string& host, int port);
  int port() const { return port_; }
  // Connections served at once; call before listening.
  void setMaxConnections(size_t n) { max_conns_ = n; }
  // Connections open now (for metrics).
  size_t connections() {
    std::lock_guard lock(mu_);
    return conns_.size();
  }
  // Stops accepting, shuts every connection down and waits for their threads. Subclasses call it
  // from their destructor, while serve() can still run.
  void stop();

 protected:
  // Serves one connection until the peer closes it or stopping() turns true. Must not close `conn`.
  virtual void serve(int conn) = 0;
  // Answers a connection refused for `why` in the subclass's protocol (best effort, never blocks
  // for long); the connection is closed after it.
  virtual void refuse(int conn, const Status& why) = 0;
  bool stopping() const { return stopping_; }

 private:
  Status startAccepting();
  void acceptLoop();

  std::string path_;
  int port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::condition_variable idle_;
  std::set<int> conns_;  // open connections, each served by a detached thread; guarded by mu_
  size_t max_conns_ = 1024;
};

}  // namespace shoal::worker
