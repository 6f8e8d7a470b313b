#include "master/workers/client_registry.h"

#include "master/workers/counter_growth.h"

namespace shoal::master {

Status ClientRegistry::heartbeat(const proto::ClientHeartbeatRequest& req, int64_t now_ms) {
  if (req.client_id().empty() || req.client_id().size() > 128) {
    return Status(StatusCode::kInvalidArgument, "a client heartbeat needs a client id of 1 to 128 bytes");
  }
  std::lock_guard lock(mu_);
  auto it = clients_.find(req.client_id());
  if (it == clients_.end()) {
    if (clients_.size() >= kMaxClients) {
      for (auto c = clients_.begin(); c != clients_.end();) {
        c = now_ms - c->second.last_ms >= timeout_ms_ ? clients_.erase(c) : std::next(c);
      }
      if (clients_.size() >= kMaxClients) {
        return Status(StatusCode::kUnavailable,
                      "the master already follows " + std::to_string(kMaxClients) + " live clients");
      }
    }
    it = clients_.emplace(req.client_id(), Client{}).first;
  }
  Client& c = it->second;
  c.kind = req.kind().substr(0, 32);
  c.host = req.host().substr(0, 256);
  c.last_ms = now_ms;
  addGrowth(c.counters, req.counters(), &totals_);
  c.counters = req.counters();
  return Status::ok();
}

proto::ClientCounters ClientRegistry::counterTotals() const {
  std::lock_guard lock(mu_);
  return totals_;
}

ClientRegistry::Counts ClientRegistry::counts(int64_t now_ms) const {
  std::lock_guard lock(mu_);
  Counts out;
  for (const auto& [id, c] : clients_) (now_ms - c.last_ms < timeout_ms_ ? out.live : out.lost)++;
  return out;
}

}  // namespace shoal::master
