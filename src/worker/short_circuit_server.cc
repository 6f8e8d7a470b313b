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

namespace shoal::worker {

ShortCircuitServer::~ShortCircuitServer() { stop(); }

Status ShortCircuitServer::start(const std::string& path) {
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
  acceptor_ = std::thread([this] { acceptLoop(); });
  return Status::ok();
}

void ShortCircuitServer::acceptLoop() {
  for (;;) {
    int conn = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // closed by stop()
    }
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(conn);
      return;
    }
    conns_.insert(conn);
    std::thread([this, conn] { serve(conn); }).detach();
  }
}

void ShortCircuitServer::serve(int conn) {
  std::string bytes;
  std::vector<int> unused_fds;
  const uint64_t ps = pages_.pageSize();
  while (!stopping_) {
    if (!recvMessage(conn, &bytes, &unused_fds).isOk()) break;
    for (int f : unused_fds) ::close(f);
    proto::ReadRequest req;
    proto::ShortCircuitReply reply;
    Result<PageHandle> first = req.ParseFromString(bytes) ? pages_.openPage(req)
                                                           : makeError(invalidArgument("unparsable short-circuit request"));
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
  }
  std::lock_guard lock(mu_);
  conns_.erase(conn);
  ::close(conn);
  idle_.notify_all();
}

void ShortCircuitServer::stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
  }
  if (acceptor_.joinable()) acceptor_.join();
  std::unique_lock lock(mu_);
  for (int fd : conns_) ::shutdown(fd, SHUT_RDWR);  // wakes each serving thread; it closes its fd
  idle_.wait(lock, [this] { return conns_.empty(); });
  if (!path_.empty()) ::unlink(path_.c_str());
}

}  // namespace shoal::worker
