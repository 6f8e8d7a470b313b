#include "stubs/metadata_cache.h"

namespace shoal::stubs {

std::optional<proto::FileInfo> MetadataCache::get(const std::string& path) {
  if (!enabled()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end()) {
    ++misses_;
    return std::nullopt;
  }
  if (Clock::now() >= it->second.stored + std::chrono::milliseconds(ttl_ms_.load(std::memory_order_relaxed))) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
    ++misses_;
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  ++hits_;
  return it->second.info;
}

void MetadataCache::put(const std::string& path, const proto::FileInfo& info) {
  if (!enabled()) return;
  std::lock_guard lock(mu_);
  if (!enabled()) return;  // disabled meanwhile (setLimits holds mu_): nothing may stay behind
  auto it = entries_.find(path);
  if (it != entries_.end()) {
    it->second.info = info;
    it->second.stored = Clock::now();
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  while (entries_.size() >= max_.load(std::memory_order_relaxed) && !lru_.empty()) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(path);
  entries_.emplace(path, Entry{info, Clock::now(), lru_.begin()});
}

void MetadataCache::setLimits(size_t max_entries, int64_t ttl_ms) {
  std::lock_guard lock(mu_);
  max_.store(max_entries, std::memory_order_relaxed);
  ttl_ms_.store(ttl_ms, std::memory_order_relaxed);
  size_t keep = ttl_ms > 0 ? max_entries : 0;
  while (entries_.size() > keep && !lru_.empty()) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
}

void MetadataCache::invalidate(const std::string& path) {
  if (!enabled()) return;
  std::lock_guard lock(mu_);
  // The subtree of "/a" is "/a" then "/a/..." ("/a/" sorts before "/a0", after "/a-", "/a.").
  std::string below = path == "/" ? "/" : path + "/";
  auto drop = [&](std::map<std::string, Entry>::iterator it) {
    lru_.erase(it->second.lru);
    return entries_.erase(it);
  };
  if (auto it = entries_.find(path); it != entries_.end()) drop(it);
  for (auto it = entries_.lower_bound(below); it != entries_.end() && it->first.compare(0, below.size(), below) == 0;) {
    it = drop(it);
  }
}

void MetadataCache::forget(const std::string& path) {
  if (!enabled()) return;
  std::lock_guard lock(mu_);
  if (auto it = entries_.find(path); it != entries_.end()) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
  }
}

void MetadataCache::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  lru_.clear();
}

size_t MetadataCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

uint64_t MetadataCache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

uint64_t MetadataCache::misses() const {
  std::lock_guard lock(mu_);
  return misses_;
}

}  // namespace shoal::stubs
