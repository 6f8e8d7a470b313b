#include "master/workers/worker_states.h"

#include <fmt/format.h>

namespace shoal::master {

Status WorkerStates::apply(const proto::WorkerStateEntry& e) {
  auto it = workers_.find(e.address());
  switch (e.state()) {
    case proto::WORKER_ACTIVE:
      if (it != workers_.end()) workers_.erase(it);
      return Status::ok();
    case proto::WORKER_DECOMMISSIONED:
      if (it == workers_.end() || it->second.state() != proto::WORKER_DECOMMISSIONING) {
        return Status(StatusCode::kFailedPrecondition,
                      fmt::format("worker {} is not being decommissioned", e.address()));
      }
      break;
    case proto::WORKER_DECOMMISSIONING: break;
    default:
      return invalidArgument(fmt::format("worker {}: unknown state {}", e.address(), static_cast<int>(e.state())));
  }
  proto::WorkerStateRecord& r = workers_[e.address()];
  if (r.state() == e.state()) return Status::ok();  // asked again: keeps its first time and user
  r.set_address(e.address());
  r.set_state(e.state());
  r.set_since_ms(e.time_ms());
  r.set_user(e.user());
  return Status::ok();
}

proto::WorkerState WorkerStates::state(const std::string& address) const {
  auto it = workers_.find(address);
  return it == workers_.end() ? proto::WORKER_ACTIVE : it->second.state();
}

proto::WorkerStateTable WorkerStates::table() const {
  proto::WorkerStateTable t;
  for (const auto& [address, r] : workers_) *t.add_workers() = r;
  return t;
}

void WorkerStates::load(const proto::WorkerStateTable& table) {
  workers_.clear();
  for (const auto& r : table.workers()) workers_[r.address()] = r;
}

uint64_t WorkerStates::digest() const {
  uint64_t h = 0;
  for (const auto& [address, r] : workers_) {
    // FNV-1a over "address=state;" (the map is sorted, so every replica gets the same number).
    for (char c : address + "=" + std::to_string(r.state()) + ";") h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
  }
  return h;
}

}  // namespace shoal::master
