// The S3 endpoint's HTTP side (cpp-httplib, kept inside s3_server.cc): GET, HEAD, PUT, POST and
// DELETE on any path, path-style (/bucket/key) or virtual-host style (bucket.<domain>), bodies
// streamed both ways, on a bounded pool of threads. Each request becomes an S3Request for the
// gateway; its S3Response goes back as is.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "common/metrics/registry.h"
#include "common/status.h"
#include "s3/s3_gateway.h"

namespace shoal::s3 {

class S3Server {
 public:
  // `domain`: requests to Host <bucket>.<domain> name the bucket in the Host ("" for path style only).
  // Requests are counted in `metrics`: shoal_s3_requests_total{operation,status},
  // shoal_s3_request_seconds{operation} (until the answer is ready; a streamed body follows it),
  // shoal_s3_received_bytes_total and shoal_s3_sent_bytes_total (bodies).
  S3Server(S3Gateway& gateway, std::string domain, metrics::Registry& metrics);
  ~S3Server();

  // `port_key` is named when the port cannot be bound.
  Status start(const std::string& host, int port, int threads, std::string_view port_key);
  void stop();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  S3Gateway& gateway_;
  std::string domain_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace shoal::s3
