// The master's view of its workers: who registered, their tiers, and when each last heartbeated.
// A worker is live while its last heartbeat is younger than shoal.master.worker.timeout; liveness
// is computed when asked, so no timer thread is needed. Not journaled: workers re-register with
// whichever master they reach (and a restarted master tells them to). The cluster's cumulative
// counters are kept as heartbeats arrive, so a scrape reads them in O(1). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "worker.pb.h"

namespace shoal::master {

class WorkerRegistry {
 public:
  explicit WorkerRegistry(int64_t timeout_ms) : timeout_ms_(timeout_ms) {}

  // Registers (or re-registers: same address, same id) a worker; returns its id.
  uint64_t registerWorker(const proto::WorkerInfo& info, int64_t now_ms);
  // False when the id is unknown: the worker must register again.
  // False when `worker_id` is unknown or belongs to another address: the worker must register again.
  bool heartbeat(uint64_t worker_id, const std::string& address, const std::vector<proto::TierUsage>& tiers,
                 int64_t now_ms, const proto::WorkerCounters& counters = {}, uint64_t conf_version = 0,
                 const proto::HandoverProgress& handover = {});
  std::vector<proto::WorkerInfo> workers(bool include_lost, int64_t now_ms) const;
  // The worker at `address` applied this cluster configuration version (no-op for an unknown one).
  void noteConfVersion(const std::string& address, uint64_t version);

  // The sum of every worker's cumulative counters (live and lost) since this master started
  // hearing them. A worker that restarted (a counter went down) adds its new values in full, so
  // the sum never goes down.
  proto::WorkerCounters counterTotals() const;
  struct TierTotals {
    uint64_t capacity = 0;
    uint64_t used = 0;
    uint64_t pages = 0;
  };
  // Cache capacity and use of the live workers, by tier name.
  std::map<std::string, TierTotals> tierTotals(int64_t now_ms) const;
  struct Counts {
    uint64_t live = 0;
    uint64_t lost = 0;
  };
  Counts counts(int64_t now_ms) const;

 private:
  bool liveLocked(const proto::WorkerInfo& w, int64_t now_ms) const { return now_ms - w.last_heartbeat_ms() < timeout_ms_; }

  const int64_t timeout_ms_;
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;                           // guarded by mu_
  std::map<uint64_t, proto::WorkerInfo> by_id_;    // guarded by mu_
  proto::WorkerCounters totals_;                   // guarded by mu_
};

}  // namespace shoal::master
