// A client's cache of path statuses (shoal.user.metadata.cache.*): repeated stats of the same
// paths (a training job opening its files again each epoch) skip the master. Entries expire after
// a fixed time, the least recently used go first when full, and the client's own changes drop the
// entries they affect (a path and everything under it) at once. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common.pb.h"

namespace shoal::stubs {

class MetadataCache {
 public:
  // A cache with max_entries == 0 or ttl_ms == 0 holds nothing.
  MetadataCache(size_t max_entries, int64_t ttl_ms) : max_(max_entries), ttl_ms_(ttl_ms) {}

  bool enabled() const {
    return max_.load(std::memory_order_relaxed) > 0 && ttl_ms_.load(std::memory_order_relaxed) > 0;
  }
  // New limits at run time (shoal.user.metadata.cache.*): a smaller cache drops its least recently
  // used entries at once, a disabled one everything; a new expiration applies to every entry held.
  void setLimits(size_t max_entries, int64_t ttl_ms);
  size_t maxEntries() const { return max_.load(std::memory_order_relaxed); }
  std::optional<proto::FileInfo> get(const std::string& path);
  void put(const std::string& path, const proto::FileInfo& info);
  // Drops `path` and every path below it.
  void invalidate(const std::string& path);
  // Drops `path` alone (a directory whose entries changed: its mtime did, its children did not).
  void forget(const std::string& path);
  void clear();
  uint64_t hits() const;
  // Lookups of an enabled cache that found nothing fresh.
  uint64_t misses() const;
  size_t size() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    proto::FileInfo info;
    Clock::time_point stored;
    std::list<std::string>::iterator lru;
  };
  std::atomic<size_t> max_;
  std::atomic<int64_t> ttl_ms_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // ordered, so a subtree is one range; guarded by mu_
  std::list<std::string> lru_;            // most recent first; guarded by mu_
  uint64_t hits_ = 0;                     // guarded by mu_
  uint64_t misses_ = 0;                   // guarded by mu_
};

}  // namespace shoal::stubs
