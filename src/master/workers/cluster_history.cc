#include "master/workers/cluster_history.h"

#include <chrono>

#include "master/workers/worker_registry.h"

namespace shoal::master {

ClusterSample sampleCluster(const WorkerRegistry& workers, int64_t now_ms) {
  ClusterSample s;
  s.time_ms = now_ms;
  s.counters = workers.counterTotals();
  for (const auto& [tier, t] : workers.tierTotals(now_ms)) {
    s.cache_capacity_bytes += t.capacity;
    s.cache_used_bytes += t.used;
  }
  auto counts = workers.counts(now_ms);
  s.live_workers = counts.live;
  s.lost_workers = counts.lost;
  return s;
}

void ClusterHistory::record(ClusterSample sample) {
  std::lock_guard lock(mu_);
  samples_.push_back(std::move(sample));
  while (samples_.size() > capacity_) samples_.pop_front();
}

std::vector<ClusterSample> ClusterHistory::samples() const {
  std::lock_guard lock(mu_);
  return {samples_.begin(), samples_.end()};
}

void ClusterHistory::start(int64_t interval_ms, std::function<std::optional<ClusterSample>()> take) {
  interval_ms_ = interval_ms;
  thread_ = std::thread([this, interval_ms, take = std::move(take)] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      if (auto s = take()) record(std::move(*s));
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(interval_ms), [this] { return stopping_; });
    }
  });
}

void ClusterHistory::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace shoal::master
