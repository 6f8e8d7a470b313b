#include "s3/s3_server.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <httplib.h>

#include "common/logging.h"
#include "s3/s3_operation.h"
#include "web/bounded_task_queue.h"
#include "web/http_server.h"

namespace shoal::s3 {
namespace {

// A single PUT's limit (5 GiB), with room for what a body carries beside the bytes.
constexpr size_t kMaxBodyBytes = (5ull << 30) + (1 << 20);

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

struct S3Server::Impl {
  explicit Impl(metrics::Registry& r)
      : requests(r.counterFamily("shoal_s3_requests_total", "S3 requests answered, by operation and HTTP status.",
                                 {"operation", "status"})),
        latency(r.histogramFamily("shoal_s3_request_seconds",
                                  "Time from an S3 request's arrival to its answer (headers; a streamed body "
                                  "follows), by operation.", {"operation"}, metrics::kLatencyBuckets)),
        received(r.counter("shoal_s3_received_bytes_total", "Bytes of S3 request bodies read.")),
        sent(r.counter("shoal_s3_sent_bytes_total", "Bytes of S3 response bodies sent.")) {}

  void record(const S3Request& req, int status, std::chrono::steady_clock::time_point start) {
    const std::string_view op = operationName(operationOf(req));
    requests.with({op, std::to_string(status)}).inc();
    latency.with({op}).observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  httplib::Server server;
  metrics::Family<metrics::Counter>& requests;
  metrics::Family<metrics::Histogram>& latency;
  metrics::Counter& received;
  metrics::Counter& sent;
};

S3Server::S3Server(S3Gateway& gateway, std::string domain, metrics::Registry& metrics)
    : impl_(std::make_unique<Impl>(metrics)), gateway_(gateway), domain_(std::move(domain)) {}
S3Server::~S3Server() { stop(); }

Status S3Server::start(const std::string& host, int port, int threads, std::string_view port_key) {
  auto& s = impl_->server;
  s.new_task_queue = [threads] { return new web::BoundedTaskQueue(static_cast<size_t>(threads), 256); };
  s.set_read_timeout(60, 0);
  // Headers and a small body go out as separate writes: without TCP_NODELAY each small GET waits
  // out the client's delayed ACK (40 ms) under Nagle.
  s.set_tcp_nodelay(true);
  s.set_write_timeout(60, 0);
  // httplib refuses longer bodies before the gateway sees them; the gateway bounds each kind itself
  // (a PUT or part at 5 GiB, XML documents at 2 MiB).
  s.set_payload_max_length(kMaxBodyBytes);
  auto toRequest = [this](const httplib::Request& h) {
    S3Request r;
    r.method = h.method;
    r.path = h.path;
    for (const auto& [k, v] : h.params) r.query.emplace(k, v);
    r.header = [&h](const std::string& name) -> std::optional<std::string> {
      if (!h.has_header(name.c_str())) return std::nullopt;
      return h.get_header_value(name.c_str());
    };
    for (const auto& [k, v] : h.headers) {
      std::string n = lower(k);
      if (n.starts_with("x-amz-meta-")) r.meta.emplace_back(n.substr(11), v);
    }
    if (h.has_header("Content-Length")) {
      std::string cl = h.get_header_value("Content-Length");
      if (!cl.empty() && cl.size() < 20 && std::all_of(cl.begin(), cl.end(), ::isdigit)) r.content_length = std::stoull(cl);
    }
    // Bucket and key: from the Host (virtual-host style) or the path's first component.
    std::string host = lower(h.get_header_value("Host"));
    if (size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) {
      host = host.substr(0, colon);
    }
    std::string p = h.path.starts_with('/') ? h.path.substr(1) : h.path;
    if (!domain_.empty() && host.size() > domain_.size() + 1 && host.ends_with("." + domain_)) {
      r.bucket = host.substr(0, host.size() - domain_.size() - 1);
      r.key = p;
    } else {
      size_t slash = p.find('/');
      r.bucket = p.substr(0, slash);
      r.key = slash == std::string::npos ? "" : p.substr(slash + 1);
    }
    r.read_body = [](const Sink&) { return true; };
    return r;
  };
  auto answer = [impl = impl_.get()](const S3Response& out, httplib::Response& res) {
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k.c_str(), v);
    res.set_header("Server", "Shoal");
    if (out.stream_length && *out.stream_length == 0) {
      res.set_content("", out.content_type.c_str());  // a provider of nothing sends no Content-Length
    } else if (out.stream_length) {
      auto stream = out.stream;
      uint64_t length = *out.stream_length;
      res.set_content_provider(length, out.content_type.c_str(),
                               [stream, impl](size_t offset, size_t, httplib::DataSink& sink) {
                                 // The whole body in one call: httplib asks again only if it stopped short.
                                 if (offset != 0) return false;
                                 return stream([&](std::string_view piece) {
                                   if (!sink.write(piece.data(), piece.size())) return false;
                                   impl->sent.inc(piece.size());
                                   return true;
                                 });
                               });
    } else if (!out.body.empty() || out.status >= 300) {
      res.set_content(out.body, out.content_type.c_str());
      impl->sent.inc(out.body.size());
    }
  };
  // httplib applies a request's Range itself to whatever the handler answers; the gateway has
  // already answered with the range (S3's rules: suffix ranges, 416 as an S3 error), so httplib's
  // parsed copy is dropped. The Request is httplib's own, not const: only the handler sees it so.
  auto plain = [this, toRequest, answer](const httplib::Request& h, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    S3Request r = toRequest(h);
    S3Response out = gateway_.handle(r);
    impl_->record(r, out.status, start);
    answer(out, res);
    const_cast<httplib::Request&>(h).ranges.clear();
  };
  auto withBody = [this, toRequest, answer](const httplib::Request& h, httplib::Response& res,
                                            const httplib::ContentReader& reader) {
    const auto start = std::chrono::steady_clock::now();
    S3Request r = toRequest(h);
    bool read = false, whole = false;
    r.read_body = [&](const Sink& sink) {
      if (read) return false;
      read = true;
      whole = reader([&](const char* data, size_t n) {
        impl_->received.inc(n);
        return sink(std::string_view(data, n));
      });
      return whole;
    };
    S3Response out = gateway_.handle(r);
    impl_->record(r, out.status, start);
    answer(out, res);
    // A body left unread (refused before it was read, or stopped part way) would be taken for the
    // next request on this connection: the connection ends with this answer instead. Reading it
    // away could wait forever on a client that sends a body only after a 100-continue.
    if (!whole && r.content_length.value_or(0) > 0) res.set_header("Connection", "close");
  };
  s.Get(".*", plain);  // HEAD too: httplib routes it here and sends no body
  s.Delete(".*", plain);
  s.Put(".*", withBody);
  s.Post(".*", withBody);
  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = web::exceptionText(ep);
    logger("s3")->warn("{} {}: {}", req.method, req.path, what);
    res.status = 500;
    res.set_content(errorXml({500, "InternalError", what}, req.path, "-"), "application/xml");
  });
  s.set_socket_options(web::exclusiveSocketOptions);
  int bound = port == 0 ? s.bind_to_any_port(host) : (s.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Status(StatusCode::kUnavailable,
                  fmt::format("S3 port {}:{} cannot be bound (in use, or not an address of this host? set "
                              "{})", host, port, port_key));
  }
  port_ = bound;
  thread_ = std::thread([this] { impl_->server.listen_after_bind(); });
  return Status::ok();
}

void S3Server::stop() {
  if (!thread_.joinable()) return;
  impl_->server.stop();
  thread_.join();
}

}  // namespace shoal::s3
