// The bucket names a gateway serves besides the top-level directories: the master's bucket table
// (`shoal fs bucket bind`), kept here for kTtlMs. A name the table does not hold refreshes it if
// it is older than kMissRefreshMs: requests to the top-level buckets (all misses) and floods of
// unknown names cost the master at most one call a second, a new binding is served within
// kMissRefreshMs and an unbind is seen within kTtlMs. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"

namespace shoal::s3 {

struct BoundBucket {
  std::string path;
  int64_t created_ms = 0;
};

class BucketTable {
 public:
  static constexpr int64_t kTtlMs = 5'000;
  static constexpr int64_t kMissRefreshMs = 1'000;
  using Fetch = std::function<Result<std::map<std::string, BoundBucket>>()>;

  explicit BucketTable(Fetch fetch) : fetch_(std::move(fetch)) {}

  // The directory bound to `name`, or nullopt; an error only when the table could not be read.
  Result<std::optional<BoundBucket>> lookup(const std::string& name);
  Result<std::map<std::string, BoundBucket>> all();

 private:
  // Fetches the table again if it is older than `max_age_ms` (or was never fetched).
  Status refreshIfOlder(int64_t max_age_ms);
  std::optional<BoundBucket> findLocked(const std::string& name) const;

  Fetch fetch_;
  std::mutex mu_;
  std::optional<std::map<std::string, BoundBucket>> table_;  // guarded by mu_
  int64_t fetched_ms_ = 0;                                   // guarded by mu_
};

}  // namespace shoal::s3
