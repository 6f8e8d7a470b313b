#include "s3/bucket_table.h"

#include "common/clock.h"

namespace shoal::s3 {

Status BucketTable::refreshIfOlder(int64_t max_age_ms) {
  {
    std::lock_guard lock(mu_);
    if (table_ && nowMs() - fetched_ms_ < max_age_ms) return Status::ok();
  }
  // Outside the lock: a slow master call does not hold up requests the cached table serves.
  auto fetched = fetch_();
  if (!fetched) return fetched.error();
  std::lock_guard lock(mu_);
  table_ = std::move(*fetched);
  fetched_ms_ = nowMs();
  return Status::ok();
}

std::optional<BoundBucket> BucketTable::findLocked(const std::string& name) const {
  auto it = table_->find(name);
  if (it == table_->end()) return std::nullopt;
  return it->second;
}

Result<std::optional<BoundBucket>> BucketTable::lookup(const std::string& name) {
  SHOAL_RETURN_IF_ERROR(refreshIfOlder(kTtlMs));
  {
    std::lock_guard lock(mu_);
    if (auto b = findLocked(name)) return b;
  }
  SHOAL_RETURN_IF_ERROR(refreshIfOlder(kMissRefreshMs));
  std::lock_guard lock(mu_);
  return findLocked(name);
}

Result<std::map<std::string, BoundBucket>> BucketTable::all() {
  SHOAL_RETURN_IF_ERROR(refreshIfOlder(kTtlMs));
  std::lock_guard lock(mu_);
  return *table_;
}

}  // namespace shoal::s3
