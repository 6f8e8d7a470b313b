// The S3 endpoint: a client of its own (with no metadata cache: S3 reads its writes), the vfs over
// it, the gateway, the HTTP server and the reaper of abandoned multipart uploads. `shoal proxy`
// is one on the daemon skeleton; a worker with shoal.worker.s3.enabled runs one beside its own
// services. The shoal.proxy.* keys configure either (keys, threads, domain, expiry).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/configuration.h"
#include "common/status.h"

namespace shoal::metrics {
class Registry;
}

namespace shoal::s3 {

class S3Endpoint {
 public:
  // `client_name` names the endpoint's client to the master ("proxy", "worker-s3").
  S3Endpoint(const Configuration& conf, std::string client_name);
  ~S3Endpoint();

  // Serves on host:port (0: a free port); `port_key` is named when the port cannot be bound.
  // Requests are counted in `metrics` (shoal_s3_*). InvalidArgument for a bad keys file.
  Status start(const std::string& host, int port, std::string_view port_key, metrics::Registry& metrics);
  void stop();
  const std::string& address() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The access keys of a keys file (shoal.proxy.s3.keys.file): access key -> secret.
Result<std::map<std::string, std::string>> loadAccessKeys(const std::string& path);

}  // namespace shoal::s3
