// Which cached page to give up when a tier is full. The page store holds one policy per tier and
// tells it about every insert, access and removal. Not thread-safe: the page store's lock guards it.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "worker/pagestore/page_key.h"

namespace shoal::worker {

class EvictionPolicy {
 public:
  virtual ~EvictionPolicy() = default;
  virtual void onInsert(const PageKey& key) = 0;
  virtual void onAccess(const PageKey& key) = 0;
  virtual void onRemove(const PageKey& key) = 0;
  // The page to evict first among those `evictable` accepts (pinned pages are not), if any.
  virtual std::optional<PageKey> victim(const std::function<bool(const PageKey&)>& evictable) const = 0;
};

// Least recently used first.
std::unique_ptr<EvictionPolicy> makeLruPolicy();

}  // namespace shoal::worker
