#include "master/fs/sync_coordinator.h"

namespace shoal::master {

Status SyncCoordinator::run(const std::string& key, const std::function<Status()>& fn) {
  std::promise<Status> mine;
  std::shared_future<Status> theirs;
  {
    std::lock_guard lock(mu_);
    auto it = inflight_.find(key);
    if (it != inflight_.end()) {
      theirs = it->second;
    } else {
      inflight_.emplace(key, mine.get_future().share());
    }
  }
  if (theirs.valid()) {
    ++waiters_;
    Status st = theirs.get();
    --waiters_;
    return st;
  }
  Status st = fn();
  {
    std::lock_guard lock(mu_);
    inflight_.erase(key);
  }
  mine.set_value(st);
  return st;
}

bool syncDue(int64_t last_sync_us, int64_t now_us, int64_t interval_ms) {
  if (interval_ms < 0) return false;
  if (interval_ms == 0) return true;
  return now_us - last_sync_us >= interval_ms * 1000;
}

}  // namespace shoal::master
