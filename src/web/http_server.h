// The web port of a daemon: GET routes answered by handlers on a bounded pool of threads (a full
// queue holds back the accept loop rather than growing). Unknown paths are 404, other methods
// 405, oversized requests 413, a handler that throws 500; the server keeps serving after each.
// cpp-httplib stays inside http_server.cc so its large header is compiled once. Thread-safe.
#pragma once

#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"

namespace shoal::web {

struct Request {
  std::string path;
  std::map<std::string, std::string> params;  // query parameters (the last of a repeated name)
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// The options of a listening socket: SO_REUSEADDR (a restarted daemon binds its port at once) but
// not httplib's default SO_REUSEPORT, with which a second process binds a port in use and the
// kernel splits the connections between the two.
void exclusiveSocketOptions(int sock);

// What a handler threw, as text (its what(), or "unknown error"), for the 500 answer.
std::string exceptionText(std::exception_ptr ep);

// {"error": message} with `status`; what every JSON endpoint answers on bad input.
Response errorResponse(int status, const std::string& message);
Response jsonResponse(std::string body);
Response htmlResponse(std::string body);

using Handler = std::function<Response(const Request&)>;

class HttpServer {
 public:
  explicit HttpServer(std::string role);
  ~HttpServer();

  // Routes are added before start(). `path` is exact; a path ending in "/*" matches any path below it.
  void get(const std::string& path, Handler handler);

  // Binds host:port (0 picks a free port) and serves on a thread of its own. The error names the
  // role, the address and `port_key`.
  Status start(const std::string& host, int port, const std::string& port_key, int threads = 4);
  void stop();
  // host:port bound ("" before start).
  const std::string& address() const { return address_; }
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string role_;
  std::string address_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace shoal::web
