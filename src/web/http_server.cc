#include "web/http_server.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <httplib.h>
#include <mutex>
#include <vector>

#include "common/logging.h"
#include "web/bounded_task_queue.h"

namespace shoal::web {
namespace {

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

constexpr size_t kMaxRequestBytes = 64 * 1024;

const char* reason(int status) {
  switch (status) {
    case 400:
      return "malformed request";
    case 413:
      return "request larger than 64 KiB";
    case 414:
      return "URI too long";
    case 431:
      return "request headers too large";
    default:
      return "request refused";
  }
}

}  // namespace

void exclusiveSocketOptions(int sock) {
  int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

std::string exceptionText(std::exception_ptr ep) {
  try {
    std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
  }
  return "unknown error";
}

Response errorResponse(int status, const std::string& message) {
  return Response{status, "application/json", "{\"error\": " + jsonString(message) + "}\n"};
}
Response jsonResponse(std::string body) { return Response{200, "application/json", std::move(body)}; }
Response htmlResponse(std::string body) { return Response{200, "text/html; charset=utf-8", std::move(body)}; }

struct HttpServer::Impl {
  httplib::Server server;
  std::map<std::string, Handler> exact;
  std::vector<std::pair<std::string, Handler>> prefixes;
};

HttpServer::HttpServer(std::string role) : impl_(std::make_unique<Impl>()), role_(std::move(role)) {}
HttpServer::~HttpServer() { stop(); }

void HttpServer::get(const std::string& path, Handler handler) {
  if (path.size() >= 2 && path.ends_with("/*")) {
    impl_->prefixes.emplace_back(path.substr(0, path.size() - 1), std::move(handler));
  } else {
    impl_->exact[path] = std::move(handler);
  }
}

Status HttpServer::start(const std::string& host, int port, const std::string& port_key, int threads) {
  auto& s = impl_->server;
  auto* impl = impl_.get();
  s.new_task_queue = [threads] { return new BoundedTaskQueue(static_cast<size_t>(threads), 64); };
  s.set_payload_max_length(kMaxRequestBytes);
  s.set_read_timeout(5, 0);
  s.set_write_timeout(5, 0);
  s.set_keep_alive_max_count(20);
  auto answer = [](httplib::Response& res, const Response& r) {
    res.status = r.status;
    res.set_content(r.body, r.content_type.c_str());
  };
  // One dispatcher for every path, so unknown paths and methods get the answers above, not httplib's.
  s.Get(".*", [impl, answer](const httplib::Request& req, httplib::Response& res) {
    Request r{req.path, {}};
    for (const auto& [k, v] : req.params) r.params[k] = v;
    const Handler* h = nullptr;
    if (auto it = impl->exact.find(req.path); it != impl->exact.end()) h = &it->second;
    for (const auto& [prefix, handler] : impl->prefixes) {
      if (h == nullptr && req.path.starts_with(prefix)) h = &handler;
    }
    answer(res, h ? (*h)(r) : errorResponse(404, "no such page: " + req.path));
  });
  auto refuse = [answer](const httplib::Request& req, httplib::Response& res) {
    answer(res, errorResponse(405, "method " + req.method + " is not allowed on " + req.path + " (GET only)"));
  };
  s.Post(".*", refuse);
  s.Put(".*", refuse);
  s.Delete(".*", refuse);
  s.Patch(".*", refuse);
  s.set_exception_handler([answer](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    answer(res, errorResponse(500, req.path + ": " + exceptionText(ep)));
  });
  s.set_error_handler([answer](const httplib::Request& req, httplib::Response& res) {
    // httplib's own refusals (413 oversized, 400 malformed) reach here with an empty body.
    if (res.body.empty()) {
      answer(res, errorResponse(res.status, fmt::format("{} {}: {}", req.method, req.path,
                                                        reason(res.status))));
    }
  });
  s.set_socket_options(exclusiveSocketOptions);
  int bound = port == 0 ? s.bind_to_any_port(host) : (s.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Status(StatusCode::kUnavailable,
                  fmt::format("{} web port {}:{} cannot be bound (in use, or not an address of this host? set {})",
                              role_, host, port, port_key));
  }
  port_ = bound;
  address_ = fmt::format("{}:{}", host, bound);
  thread_ = std::thread([this] { impl_->server.listen_after_bind(); });
  return Status::ok();
}

void HttpServer::stop() {
  if (!thread_.joinable()) return;
  impl_->server.stop();
  thread_.join();
}

}  // namespace shoal::web
