#include "common/fd_passing.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

#include "common/errno_status.h"

namespace shoal {
namespace {

Status readFull(int sock, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::recv(sock, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return errnoStatus(errno, "receive on domain socket");
    if (r == 0) return Status(StatusCode::kUnavailable, "domain socket closed by the peer");
    p += r;
    n -= static_cast<size_t>(r);
  }
  return Status::ok();
}

}  // namespace

Status sendMessage(int sock, const std::string& bytes, std::span<const int> fds) {
  if (fds.size() > kMaxPassedFds) return invalidArgument("too many descriptors for one domain socket message");
  std::string frame(4 + bytes.size(), '\0');
  uint32_t len = static_cast<uint32_t>(bytes.size());
  std::memcpy(frame.data(), &len, 4);
  std::memcpy(frame.data() + 4, bytes.data(), bytes.size());
  struct iovec iov {frame.data(), frame.size()};
  struct msghdr msg {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)];
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  size_t sent = 0;
  while (sent < frame.size()) {
    ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errnoStatus(errno, "send on domain socket");
    sent += static_cast<size_t>(n);
    // The descriptor travels with the first byte; the rest is plain data.
    iov.iov_base = frame.data() + sent;
    iov.iov_len = frame.size() - sent;
    msg.msg_control = nullptr;
    msg.msg_controllen = 0;
  }
  return Status::ok();
}

Status recvMessage(int sock, std::string* bytes, std::vector<int>* fds, size_t max_bytes) {
  fds->clear();
  auto drop = [&] {
    for (int f : *fds) ::close(f);
    fds->clear();
  };
  char head[4];
  struct iovec iov {head, 4};
  struct msghdr msg {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)];
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  do {
    n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errnoStatus(errno, "receive on domain socket");
  if (n == 0) return Status(StatusCode::kUnavailable, "domain socket closed by the peer");
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int f = -1;
      std::memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      fds->push_back(f);
    }
  }
  if (n < 4) {
    Status st = readFull(sock, head + n, 4 - static_cast<size_t>(n));
    if (!st) {
      drop();
      return st;
    }
  }
  uint32_t len = 0;
  std::memcpy(&len, head, 4);
  if (len > max_bytes) {
    drop();
    return Status(StatusCode::kInvalidArgument, "domain socket message of " + std::to_string(len) + " bytes is too large");
  }
  bytes->resize(len);
  Status st = readFull(sock, bytes->data(), len);
  if (!st) drop();
  return st;
}

}  // namespace shoal
