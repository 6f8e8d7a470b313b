#include "worker/socket_server.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <filesystem>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/errno_status.h"
#include "common/logging.h"
#include "common/net_host.h"

namespace shoal::worker {

SocketServer::~SocketServer() { stop(); }

Status SocketServer::listenUnix(const std::string& path) {
  struct sockaddr_un addr {};
  if (path.size() >= sizeof(addr.sun_path)) {
    return invalidArgument("domain socket path " + path + " is longer than " + std::to_string(sizeof(addr.sun_path) - 1) + " bytes");
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return errnoStatus(ec.value(), "create directory for " + path);
  ::unlink(path.c_str());  // a socket left by a worker that died; ours replaces it
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return errnoStatus(errno, "socket for " + path);
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(listen_fd_, 128) != 0) {
    Status st = errnoStatus(errno, "listen on " + path);
    ::close(listen_fd_);
    listen_fd_ = -1;
    return st;
  }
  path_ = path;
  return startAccepting();
}

Status SocketServer::listenTcp(const std::string& host, int port) {
  struct sockaddr_in addr {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  auto ip = resolveIpv4(host);
  if (!ip) return ip.error().withContext("data server");
  addr.sin_addr = *ip;
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return errnoStatus(errno, "socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  socklen_t len = sizeof(addr);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(listen_fd_, 128) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Status st = errnoStatus(errno, "listen on " + host + ":" + std::to_string(port));
    ::close(listen_fd_);
    listen_fd_ = -1;
    return st;
  }
  port_ = ntohs(addr.sin_port);
  return startAccepting();
}

Status SocketServer::startAccepting() {
  acceptor_ = std::thread([this] { acceptLoop(); });
  return Status::ok();
}

void SocketServer::acceptLoop() {
  auto log = logger("worker");
  auto last_warn = std::chrono::steady_clock::time_point{};
  for (;;) {
    int conn = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) {
      if (stopping_) return;  // closed by stop()
      if (errno == EINTR || errno == ECONNABORTED) continue;
      // Out of descriptors (EMFILE, ENFILE) or memory: the pending connection waits in the
      // backlog; try again shortly instead of ending the loop (which left the port dead).
      int err = errno;
      auto now = std::chrono::steady_clock::now();
      if (now - last_warn > std::chrono::seconds(10)) {
        log->warn("{}: accept failed, retrying: {}", path_.empty() ? "data port " + std::to_string(port_) : path_,
                  std::strerror(err));
        last_warn = now;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (path_.empty()) {  // TCP: requests are small and must not wait for Nagle
      int one = 1;
      ::setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    std::unique_lock lock(mu_);
    if (stopping_) {
      ::close(conn);
      return;
    }
    if (conns_.size() >= max_conns_) {
      size_t open = conns_.size();
      lock.unlock();
      // The peer gets an answer, not a silent close; a send that would block is abandoned.
      timeval tv{0, 50 * 1000};
      ::setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
      ::setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      refuse(conn, Status(StatusCode::kUnavailable,
                          fmt::format("{} connections are open, the most this worker serves at once "
                                      "(shoal.worker.max.connections); try again or another worker",
                                      open)));
      // Closing with the peer's request unread would reset the connection and lose the answer:
      // finish our side, read what the peer sent (briefly), then close.
      ::shutdown(conn, SHUT_WR);
      char sink[4096];
      for (int i = 0; i < 16 && ::recv(conn, sink, sizeof(sink), 0) > 0; ++i) {
      }
      ::close(conn);
      continue;
    }
    conns_.insert(conn);
    std::thread([this, conn] {
      serve(conn);
      std::lock_guard lock(mu_);
      conns_.erase(conn);
      ::close(conn);
      idle_.notify_all();
    }).detach();
  }
}

void SocketServer::stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
  }
  if (acceptor_.joinable()) acceptor_.join();
  std::unique_lock lock(mu_);
  for (int fd : conns_) ::shutdown(fd, SHUT_RDWR);  // wakes each serving thread
  idle_.wait(lock, [this] { return conns_.empty(); });
  if (!path_.empty()) ::unlink(path_.c_str());
}

}  // namespace shoal::worker
