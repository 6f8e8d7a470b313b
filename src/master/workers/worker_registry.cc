#include "master/workers/worker_registry.h"

namespace shoal::master {

uint64_t WorkerRegistry::registerWorker(const proto::WorkerInfo& info, int64_t now_ms) {
  std::lock_guard lock(mu_);
  uint64_t id = 0;
  for (const auto& [wid, w] : by_id_) {
    if (w.address() == info.address()) id = wid;
  }
  if (id == 0) id = next_id_++;
  proto::WorkerInfo& w = by_id_[id];
  w = info;
  w.set_id(id);
  w.set_registered_ms(now_ms);
  w.set_last_heartbeat_ms(now_ms);
  return id;
}

bool WorkerRegistry::heartbeat(uint64_t worker_id, const std::string& address,
                               const std::vector<proto::TierUsage>& tiers, int64_t now_ms,
                               const proto::WorkerCounters& counters) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(worker_id);
  if (it == by_id_.end()) return false;
  // The id was given to another worker (this master numbered its workers afresh after taking over).
  if (!address.empty() && it->second.address() != address) return false;
  it->second.set_last_heartbeat_ms(now_ms);
  it->second.clear_tiers();
  for (const auto& t : tiers) *it->second.add_tiers() = t;
  *it->second.mutable_counters() = counters;
  return true;
}

std::vector<proto::WorkerInfo> WorkerRegistry::workers(bool include_lost, int64_t now_ms) const {
  std::lock_guard lock(mu_);
  std::vector<proto::WorkerInfo> out;
  for (const auto& [id, w] : by_id_) {
    bool live = now_ms - w.last_heartbeat_ms() < timeout_ms_;
    if (!live && !include_lost) continue;
    out.push_back(w);
    out.back().set_live(live);
  }
  return out;
}

}  // namespace shoal::master
