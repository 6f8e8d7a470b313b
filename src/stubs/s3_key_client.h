// The S3 access-key calls (S3KeyService) over the leader-following master connection: what
// `shoal fsadmin s3 key` and the S3 gateway use. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "master.pb.h"
#include "stubs/master_connection.h"

namespace shoal::stubs {

class S3KeyClient {
 public:
  explicit S3KeyClient(MasterConnection& conn) : conn_(conn) {}

  // Carry request ids: a call retried across a leader change is applied once.
  Status add(const std::string& access_key, const std::string& secret);
  Status remove(const std::string& access_key);
  Result<std::vector<proto::S3KeyInfo>> list();
  // The Signature V4 signing key of the access key for a day (YYYYMMDD) and region; nullopt when
  // the master has no such key.
  Result<std::optional<std::string>> signingKey(const std::string& access_key, const std::string& date,
                                                const std::string& region);

 private:
  MasterConnection& conn_;
};

}  // namespace shoal::stubs
