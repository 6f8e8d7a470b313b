// The socket servers' plumbing under pressure: a full descriptor table never ends the accept loop
// (the port once went dead for good), and connections past the bound get an answer and a close.
#include "worker/socket_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace shoal::worker {
namespace {

// Echoes every byte back; a refused connection is told "busy".
class EchoServer final : public SocketServer {
 public:
  ~EchoServer() override { stop(); }

 private:
  void serve(int conn) override {
    char buf[256];
    for (;;) {
      ssize_t n = ::recv(conn, buf, sizeof(buf), 0);
      if (n <= 0 || ::send(conn, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) return;
    }
  }
  void refuse(int conn, const Status&) override { (void)::send(conn, "busy", 4, MSG_NOSIGNAL); }
};

int connectTo(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(s);
    return -1;
  }
  timeval tv{20, 0};  // a dead port fails the test instead of hanging it
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return s;
}

std::string roundTrip(int s, const std::string& msg) {
  if (::send(s, msg.data(), msg.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(msg.size())) return "<send failed>";
  std::string out(msg.size(), '\0');
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::recv(s, out.data() + got, out.size() - got, 0);
    if (n <= 0) return "<no answer>";
    got += static_cast<size_t>(n);
  }
  return out;
}

TEST(SocketServer, AcceptLoopSurvivesAFullDescriptorTable) {
  EchoServer server;
  ASSERT_TRUE(server.listenTcp("127.0.0.1", 0).isOk());
  int client = connectTo(server.port());
  ASSERT_GE(client, 0);
  ASSERT_EQ(roundTrip(client, "before"), "before");
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  rlimit low = old;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  int late = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);  // made before the table fills
  std::vector<int> filler;
  for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) filler.push_back(fd);
  ASSERT_EQ(errno, EMFILE);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // The kernel completes the handshake; the server's accept() fails with EMFILE meanwhile.
  ASSERT_EQ(::connect(late, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  timeval tv{20, 0};
  ::setsockopt(late, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ASSERT_EQ(::send(late, "after", 5, MSG_NOSIGNAL), 5);
  for (int fd : filler) ::close(fd);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &old), 0);
  char buf[5];
  size_t got = 0;
  while (got < sizeof(buf)) {
    ssize_t n = ::recv(late, buf + got, sizeof(buf) - got, 0);
    ASSERT_GT(n, 0) << "the port stopped accepting after EMFILE";
    got += static_cast<size_t>(n);
  }
  EXPECT_EQ(std::string(buf, 5), "after");
  EXPECT_EQ(roundTrip(client, "still"), "still");
  ::close(late);
  ::close(client);
}

TEST(SocketServer, ConnectionsPastTheBoundAreAnsweredAndClosed) {
  EchoServer server;
  server.setMaxConnections(2);
  ASSERT_TRUE(server.listenTcp("127.0.0.1", 0).isOk());
  int a = connectTo(server.port()), b = connectTo(server.port());
  ASSERT_EQ(roundTrip(a, "a"), "a");
  ASSERT_EQ(roundTrip(b, "b"), "b");
  int c = connectTo(server.port());
  ASSERT_GE(c, 0);
  EXPECT_EQ(roundTrip(c, "cccc"), "busy");
  char more;
  EXPECT_EQ(::recv(c, &more, 1, 0), 0) << "closed after the answer";
  ::close(c);
  ::close(a);
  // A freed place is taken by the next connection (waiting on the condition, not a sleep).
  std::string answer;
  for (int i = 0; i < 1000 && answer != "d"; ++i) {
    int d = connectTo(server.port());
    answer = roundTrip(d, "d");
    ::close(d);
  }
  EXPECT_EQ(answer, "d");
  ::close(b);
}

}  // namespace
}  // namespace shoal::worker
