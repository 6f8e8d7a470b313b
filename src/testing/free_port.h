// A TCP port on 127.0.0.1 that was free a moment ago, for tests and benchmarks that start servers.
#pragma once

#include <atomic>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace shoal::testing {

// A TCP socket bound to 127.0.0.1 on a port the kernel chose; that port in *port.
inline int boundLoopbackSocket(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

// Ports handed out are below the kernel's ephemeral range (32768-60999 here): a port the kernel
// picks for bind(0) is also one it may pick a moment later as the local port of an outgoing
// connection (a client dialling the master), and the server then fails to bind it. Below the
// range only another server can take it; the bind check and a per-process offset make that rare.
inline constexpr int kFirstTestPort = 20000;
inline constexpr int kTestPorts = 9000;  // 20000-28999: clear of Shoal's defaults and the ephemeral range

inline int freeLoopbackPort() {
  static std::atomic<int> next{static_cast<int>(::getpid() * 7919 % kTestPorts)};
  for (int tries = 0; tries < kTestPorts; ++tries) {
    int port = kFirstTestPort + next.fetch_add(1) % kTestPorts;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    if (free) return port;
  }
  return 0;
}

}  // namespace shoal::testing
