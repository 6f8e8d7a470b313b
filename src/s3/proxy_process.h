// `shoal proxy`: the S3 gateway as a daemon, on the shared skeleton (log, metrics, web port),
// with a client that follows the cluster configuration. Used by the CLI and by tests.
#pragma once

#include <memory>
#include <string>

#include "common/configuration.h"
#include "common/status.h"

namespace shoal::s3 {

class ProxyProcess {
 public:
  explicit ProxyProcess(const Configuration& conf);
  ~ProxyProcess();

  // InvalidArgument when the keys file is missing, unreadable, readable by others or empty.
  Status start();
  void stop();
  const std::string& address() const;
  const std::string& webAddress() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::s3
