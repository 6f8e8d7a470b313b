#include <list>
#include <unordered_map>

#include "worker/pagestore/eviction_policy.h"

namespace shoal::worker {
namespace {

class LruPolicy final : public EvictionPolicy {
 public:
  void onInsert(const PageKey& key) override { touch(key); }
  void onAccess(const PageKey& key) override { touch(key); }
  void onRemove(const PageKey& key) override {
    auto it = pos_.find(key);
    if (it == pos_.end()) return;
    order_.erase(it->second);
    pos_.erase(it);
  }
  std::optional<PageKey> victim(const std::function<bool(const PageKey&)>& evictable) const override {
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
      if (evictable(*it)) return *it;
    }
    return std::nullopt;
  }

 private:
  void touch(const PageKey& key) {
    auto it = pos_.find(key);
    if (it != pos_.end()) order_.erase(it->second);
    order_.push_front(key);
    pos_[key] = order_.begin();
  }
  std::list<PageKey> order_;  // most recent first
  std::unordered_map<PageKey, std::list<PageKey>::iterator, PageKeyHash> pos_;
};

}  // namespace

std::unique_ptr<EvictionPolicy> makeLruPolicy() { return std::make_unique<LruPolicy>(); }

}  // namespace shoal::worker
