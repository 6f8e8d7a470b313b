#include "master/workers/client_registry.h"

#include "master/workers/counter_growth.h"

namespace shoal::master {

Result<ClientRegistry::Client*> ClientRegistry::touchLocked(const std::string& id, const std::string& kind,
                                                            const std::string& host, int64_t now_ms) {
  if (id.empty() || id.size() > 128) {
    return makeError(Status(StatusCode::kInvalidArgument, "a client heartbeat needs a client id of 1 to 128 bytes"));
  }
  auto it = clients_.find(id);
  if (it == clients_.end()) {
    if (clients_.size() >= kMaxClients) {
      for (auto c = clients_.begin(); c != clients_.end();) {
        c = now_ms - c->second.last_ms >= timeout_ms_ ? clients_.erase(c) : std::next(c);
      }
      if (clients_.size() >= kMaxClients) {
        return makeError(Status(StatusCode::kUnavailable,
                                "the master already follows " + std::to_string(kMaxClients) + " live clients"));
      }
    }
    it = clients_.emplace(id, Client{}).first;
  }
  Client& c = it->second;
  c.kind = kind.substr(0, 32);
  c.host = host.substr(0, 256);
  c.last_ms = now_ms;
  return &c;
}

Status ClientRegistry::heartbeat(const proto::ClientHeartbeatRequest& req, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto c = touchLocked(req.client_id(), req.kind(), req.host(), now_ms);
  if (!c) return c.error();
  addGrowth((*c)->counters, req.counters(), &totals_);
  (*c)->counters = req.counters();
  (*c)->conf_version = req.conf_version();
  return Status::ok();
}

Status ClientRegistry::noteConfVersion(const std::string& id, const std::string& kind, const std::string& host,
                                       uint64_t version, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto c = touchLocked(id, kind, host, now_ms);
  if (!c) return c.error();
  (*c)->conf_version = version;
  return Status::ok();
}

std::vector<proto::ConfProcess> ClientRegistry::confStatus(int64_t now_ms) const {
  std::lock_guard lock(mu_);
  std::vector<proto::ConfProcess> out;
  out.reserve(clients_.size());
  for (const auto& [id, c] : clients_) {
    proto::ConfProcess p;
    p.set_kind(c.kind);
    p.set_id(id);
    p.set_host(c.host);
    p.set_applied_version(c.conf_version);
    p.set_last_seen_ms(c.last_ms);
    p.set_live(now_ms - c.last_ms < timeout_ms_);
    out.push_back(std::move(p));
  }
  return out;
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
