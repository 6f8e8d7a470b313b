// The S3 bucket-table calls (S3BucketService) over the leader-following master connection: what
// `shoal fs bucket` and the S3 gateways use. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "master.pb.h"
#include "stubs/master_connection.h"

namespace shoal::stubs {

class S3BucketClient {
 public:
  explicit S3BucketClient(MasterConnection& conn) : conn_(conn) {}

  // Carry request ids: a call retried across a leader change is applied once.
  Status bind(const std::string& name, const std::string& path);
  Status unbind(const std::string& name);
  Result<std::vector<proto::BucketBinding>> list();

 private:
  MasterConnection& conn_;
};

}  // namespace shoal::stubs
