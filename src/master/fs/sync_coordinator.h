// Runs at most one metadata sync per key at a time: a caller that finds a sync of the same key in
// flight waits for it and shares its result instead of reading the store again. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/status.h"

namespace shoal::master {

class SyncCoordinator {
 public:
  Status run(const std::string& key, const std::function<Status()>& fn);
  // Callers currently waiting on another caller's sync (for tests and metrics).
  int waiters() const { return waiters_.load(); }

 private:
  std::atomic<int> waiters_{0};
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_future<Status>> inflight_;  // guarded by mu_
};

// Whether metadata last compared with the store at `last_sync_us` (microseconds) must be compared
// again at `now_us`. interval_ms: -1 never (once loaded), 0 always, else the age that makes it stale.
bool syncDue(int64_t last_sync_us, int64_t now_us, int64_t interval_ms);

}  // namespace shoal::master
