#include "master/config/cluster_config.h"

#include <algorithm>
#include <tuple>

namespace shoal::master {

void ClusterConfig::apply(const proto::ClusterConfEntry& entry) {
  auto* rules = conf_.mutable_rules();
  for (const auto& c : entry.changes()) {
    auto it = std::find_if(rules->begin(), rules->end(),
                           [&c](const proto::ConfRule& r) { return r.key() == c.key() && r.path() == c.path(); });
    if (c.unset()) {
      if (it != rules->end()) rules->erase(it);
      continue;
    }
    if (it == rules->end()) {
      auto* r = rules->Add();
      r->set_key(c.key());
      r->set_path(c.path());
      r->set_value(c.value());
    } else {
      it->set_value(c.value());
    }
  }
  std::sort(rules->begin(), rules->end(), [](const proto::ConfRule& a, const proto::ConfRule& b) {
    return std::tie(a.path(), a.key()) < std::tie(b.path(), b.key());
  });
  conf_.set_version(conf_.version() + 1);
  proto::ConfHistoryRecord rec;
  rec.set_version(conf_.version());
  rec.set_time_ms(entry.time_ms());
  rec.set_user(entry.user());
  rec.set_client(entry.client());
  *rec.mutable_changes() = entry.changes();
  history_.push_back(std::move(rec));
  if (history_.size() > kHistory) history_.pop_front();
}

std::vector<proto::ConfHistoryRecord> ClusterConfig::history(size_t limit) const {
  std::vector<proto::ConfHistoryRecord> out;
  for (auto it = history_.rbegin(); it != history_.rend() && (limit == 0 || out.size() < limit); ++it) {
    out.push_back(*it);
  }
  return out;
}

proto::ClusterConfState ClusterConfig::state() const {
  proto::ClusterConfState s;
  *s.mutable_conf() = conf_;
  for (const auto& r : history_) *s.add_history() = r;
  return s;
}

void ClusterConfig::load(const proto::ClusterConfState& state) {
  conf_ = state.conf();
  history_.assign(state.history().begin(), state.history().end());
  while (history_.size() > kHistory) history_.pop_front();
}

std::vector<ConfRuleValue> toRuleValues(const proto::ClusterConf& conf) {
  std::vector<ConfRuleValue> out;
  out.reserve(static_cast<size_t>(conf.rules_size()));
  for (const auto& r : conf.rules()) out.push_back(ConfRuleValue{r.key(), r.value(), r.path()});
  return out;
}

}  // namespace shoal::master
