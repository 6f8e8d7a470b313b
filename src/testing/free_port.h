// A TCP port on 127.0.0.1 that was free a moment ago, for tests and benchmarks that start servers.
#pragma once

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

inline int freeLoopbackPort() {
  int port = 0;
  ::close(boundLoopbackSocket(&port));
  return port;
}

}  // namespace shoal::testing
