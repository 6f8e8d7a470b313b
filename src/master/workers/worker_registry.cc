#include "master/workers/worker_registry.h"

#include "master/workers/counter_growth.h"

namespace shoal::master {

uint64_t WorkerRegistry::registerWorker(const proto::WorkerInfo& info, int64_t now_ms) {
  std::lock_guard lock(mu_);
  uint64_t id = 0;
  for (const auto& [wid, w] : by_id_) {
    if (w.address() == info.address()) id = wid;
  }
  if (id == 0) id = next_id_++;
  proto::WorkerInfo& w = by_id_[id];
  // The counters already summed stay the base the next heartbeat's growth is measured from.
  proto::WorkerCounters summed = w.counters();
  w = info;
  *w.mutable_counters() = summed;
  w.set_id(id);
  w.set_registered_ms(now_ms);
  w.set_last_heartbeat_ms(now_ms);
  return id;
}

bool WorkerRegistry::heartbeat(uint64_t worker_id, const std::string& address,
                               const std::vector<proto::TierUsage>& tiers, int64_t now_ms,
                               const proto::WorkerCounters& counters, uint64_t conf_version,
                               const proto::HandoverProgress& handover) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(worker_id);
  if (it == by_id_.end()) return false;
  // The id was given to another worker (this master numbered its workers afresh after taking over).
  if (!address.empty() && it->second.address() != address) return false;
  it->second.set_last_heartbeat_ms(now_ms);
  it->second.clear_tiers();
  for (const auto& t : tiers) *it->second.add_tiers() = t;
  addGrowth(it->second.counters(), counters, &totals_);
  addMapGrowth(it->second.counters().store_read_bytes_by_mount(), counters.store_read_bytes_by_mount(),
               totals_.mutable_store_read_bytes_by_mount());
  *it->second.mutable_counters() = counters;
  it->second.set_conf_version(conf_version);
  *it->second.mutable_handover() = handover;
  return true;
}

void WorkerRegistry::noteConfVersion(const std::string& address, uint64_t version) {
  std::lock_guard lock(mu_);
  for (auto& [id, w] : by_id_) {
    if (w.address() == address) w.set_conf_version(version);
  }
}

std::vector<proto::WorkerInfo> WorkerRegistry::workers(bool include_lost, int64_t now_ms) const {
  std::lock_guard lock(mu_);
  std::vector<proto::WorkerInfo> out;
  for (const auto& [id, w] : by_id_) {
    bool live = liveLocked(w, now_ms);
    if (!live && !include_lost) continue;
    out.push_back(w);
    out.back().set_live(live);
  }
  return out;
}

proto::WorkerCounters WorkerRegistry::counterTotals() const {
  std::lock_guard lock(mu_);
  return totals_;
}

std::map<std::string, WorkerRegistry::TierTotals> WorkerRegistry::tierTotals(int64_t now_ms) const {
  std::lock_guard lock(mu_);
  std::map<std::string, TierTotals> out;
  for (const auto& [id, w] : by_id_) {
    if (!liveLocked(w, now_ms)) continue;
    for (const auto& t : w.tiers()) {
      auto& o = out[t.name()];
      o.capacity += t.capacity();
      o.used += t.used();
      o.pages += t.pages();
    }
  }
  return out;
}

WorkerRegistry::Counts WorkerRegistry::counts(int64_t now_ms) const {
  std::lock_guard lock(mu_);
  Counts c;
  for (const auto& [id, w] : by_id_) (liveLocked(w, now_ms) ? c.live : c.lost)++;
  return c;
}

}  // namespace shoal::master
