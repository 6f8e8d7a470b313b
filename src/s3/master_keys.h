// The gateway's access keys when the master keeps them (`shoal fsadmin s3 key`, no
// shoal.proxy.s3.keys.file): the signing key of an (access key, day, region) is asked of the
// master once and kept for kCacheMs, so a removed key stops working within that time and a flood
// of requests with unknown keys costs the master one call per key and kCacheMs. Bounded: at most
// kMaxEntries are kept (all are dropped when full). Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "s3/sigv4.h"
#include "stubs/s3_key_client.h"

namespace shoal::s3 {

class MasterSigningKeys {
 public:
  static constexpr int64_t kCacheMs = 10'000;
  static constexpr size_t kMaxEntries = 10'000;

  explicit MasterSigningKeys(stubs::MasterConnection& conn) : client_(conn) {}
  Result<std::optional<std::string>> lookup(const std::string& access_key, const std::string& date,
                                            const std::string& region);
  SigningKeyLookup asLookup() {
    return [this](const std::string& a, const std::string& d, const std::string& r) { return lookup(a, d, r); };
  }

 private:
  struct Entry {
    std::optional<std::string> key;
    int64_t until_ms;
  };
  stubs::S3KeyClient client_;
  std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, Entry> cache_;  // guarded by mu_
};

}  // namespace shoal::s3
