#include "master/config/conf_master.h"

#include <fmt/format.h>
#include <set>

#include "common/clock.h"
#include "master/fs/request_scope.h"

namespace shoal::master {

Result<uint64_t> ConfMaster::set(const std::vector<proto::ConfChange>& changes, bool dry_run,
                                 const CallerIdentity& who, const std::string& client) {
  if (changes.empty()) return makeError(invalidArgument("conf set: no KEY=VALUE given"));
  if (changes.size() > kMaxChanges) {
    return makeError(invalidArgument(fmt::format("conf set: {} changes in one call; at most {}", changes.size(), kMaxChanges)));
  }
  if (auto earlier = sm_.recall(RequestScope::current())) {
    if (!earlier->status) return makeError(earlier->status);
    return sm_.confVersion();
  }
  proto::ClusterConf current = sm_.clusterConf();
  auto has = [&current](const std::string& key, const std::string& path) {
    for (const auto& r : current.rules()) {
      if (r.key() == key && r.path() == path) return true;
    }
    return false;
  };
  proto::JournalEntry je;
  auto* e = je.mutable_cluster_conf();
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& c : changes) {
    auto path = validateConfRule(c.key(), c.value(), c.path(), c.unset());
    if (!path) return makeError(path.error());
    std::string where = path->empty() ? "" : " for " + *path;
    if (!seen.emplace(c.key(), *path).second) {
      return makeError(invalidArgument(fmt::format("{}{} is given twice in one change", c.key(), where)));
    }
    if (c.unset() && !has(c.key(), *path)) {
      return makeError(Status(StatusCode::kNotFound,
                              fmt::format("{}{} has no cluster value to unset (`shoal conf get {} --source`)",
                                          c.key(), where, c.key())));
    }
    auto* out = e->add_changes();
    out->set_key(c.key());
    out->set_path(*path);
    out->set_unset(c.unset());
    if (!c.unset()) out->set_value(c.value());
  }
  if (dry_run) return current.version();
  e->set_time_ms(nowMs());
  e->set_user(who.user);
  e->set_client(client);
  je.set_request_id(RequestScope::current());
  ApplyResult r = journal_.submit(std::move(je));
  if (!r.status) return makeError(r.status);
  return sm_.confVersion();
}

proto::GetConfStatusResponse ConfMaster::status(const std::string& self_address, uint64_t self_applied,
                                                int64_t now_ms) const {
  proto::GetConfStatusResponse out;
  out.set_version(sm_.confVersion());
  auto* self = out.add_processes();
  self->set_kind("master");
  self->set_id(self_address);
  self->set_applied_version(self_applied);
  self->set_last_seen_ms(now_ms);
  self->set_live(true);
  for (const auto& w : workers_.workers(true, now_ms)) {
    auto* p = out.add_processes();
    p->set_kind("worker");
    p->set_id(w.address());
    p->set_host(w.host());
    p->set_applied_version(w.conf_version());
    p->set_last_seen_ms(w.last_heartbeat_ms());
    p->set_live(w.live());
  }
  for (auto& c : clients_.confStatus(now_ms)) *out.add_processes() = std::move(c);
  return out;
}

}  // namespace shoal::master
