#include "s3/master_keys.h"

#include "common/clock.h"

namespace shoal::s3 {

Result<std::optional<std::string>> MasterSigningKeys::lookup(const std::string& access_key, const std::string& date,
                                                             const std::string& region) {
  auto id = std::make_tuple(access_key, date, region);
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(id);
    if (it != cache_.end() && it->second.until_ms > nowMs()) return it->second.key;
  }
  // Outside the lock: one slow master call does not hold up requests whose keys are cached.
  auto key = client_.signingKey(access_key, date, region);
  if (!key) return makeError(key.error());
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxEntries) cache_.clear();
  cache_[id] = Entry{*key, nowMs() + kCacheMs};
  return *key;
}

}  // namespace shoal::s3
