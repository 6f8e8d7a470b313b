// The last hour of the cluster's figures, kept in the master for the web UI's charts: every
// interval a sample of the cumulative counters and the cache use is appended to a fixed ring (the
// oldest dropped), so memory is bounded by the ring, not by uptime. Rates are drawn from deltas
// between samples, so they need no reset and survive a failover. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "worker.pb.h"

namespace shoal::master {

struct ClusterSample {
  int64_t time_ms = 0;
  proto::WorkerCounters counters;  // cumulative (WorkerRegistry::counterTotals)
  uint64_t cache_capacity_bytes = 0;
  uint64_t cache_used_bytes = 0;
  uint64_t live_workers = 0;
  uint64_t lost_workers = 0;
};

class WorkerRegistry;

// The registry's figures now.
ClusterSample sampleCluster(const WorkerRegistry& workers, int64_t now_ms);

class ClusterHistory {
 public:
  // Keeps `capacity` samples (one hour at the interval the sampler is started with).
  explicit ClusterHistory(size_t capacity) : capacity_(capacity) {}
  ~ClusterHistory() { stop(); }

  void record(ClusterSample sample);
  std::vector<ClusterSample> samples() const;
  size_t capacity() const { return capacity_; }

  // Records take() now and every `interval_ms` on a thread of its own until stop(); nullopt
  // (a standby, which hears no heartbeats) records nothing.
  void start(int64_t interval_ms, std::function<std::optional<ClusterSample>()> take);
  void stop();
  int64_t intervalMs() const { return interval_ms_; }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<ClusterSample> samples_;  // guarded by mu_
  std::condition_variable cv_;
  bool stopping_ = false;              // guarded by mu_
  int64_t interval_ms_ = 0;
  std::thread thread_;
};

}  // namespace shoal::master
