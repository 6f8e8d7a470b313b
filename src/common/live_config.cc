#include "common/live_config.h"

#include <algorithm>

namespace shoal {

namespace {
// Whether `key`'s effective values differ between two versions: its cluster-wide value, or its set
// of path rules.
bool keyChanged(const std::string& key, const LiveConfig::Snapshot& a, const LiveConfig::Snapshot& b) {
  if (a.conf->getString(key) != b.conf->getString(key)) return true;
  auto pathRules = [&key](const LiveConfig::Snapshot& s) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : s.rules) {
      if (r.key == key && !r.path.empty()) out.emplace_back(r.path, r.value);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  return pathRules(a) != pathRules(b);
}
}  // namespace

Configuration LiveConfig::Snapshot::forPath(std::string_view path) const {
  std::vector<ConfRuleValue> matching;
  for (const auto& r : rules) {
    if (!r.path.empty()) matching.push_back(r);
  }
  if (matching.empty()) return *conf;
  // Validated when the version was applied, so this cannot fail.
  auto c = conf->withRules(matching, path);
  return c ? std::move(*c) : *conf;
}

LiveConfig::LiveConfig(Configuration base) : base_(std::move(base)) {
  auto s = std::make_shared<Snapshot>();
  s->conf = std::make_shared<const Configuration>(base_);
  current_.store(std::move(s));
}

LiveConfig::~LiveConfig() = default;

Status LiveConfig::update(uint64_t version, std::vector<ConfRuleValue> rules) {
  std::lock_guard one(update_mu_);
  auto old = current();
  if (version <= old->version) return Status::ok();
  std::vector<ConfRuleValue> global;
  for (const auto& r : rules) {
    if (r.path.empty()) global.push_back(r);
    // Path rules are checked here too, so forPath() never meets a bad one.
    else if (auto c = validateConfRule(r.key, r.value, r.path, false); !c) {
      return c.error().withContext("cluster configuration version " + std::to_string(version));
    }
  }
  auto conf = base_.withRules(global);
  if (!conf) return conf.error().withContext("cluster configuration version " + std::to_string(version));
  auto next = std::make_shared<Snapshot>();
  next->version = version;
  next->conf = std::make_shared<const Configuration>(std::move(*conf));
  next->rules = std::move(rules);
  current_.store(std::shared_ptr<const Snapshot>(next));

  std::lock_guard lock(listen_mu_);
  for (const auto& l : listeners_) {
    bool changed = std::any_of(l.keys.begin(), l.keys.end(),
                               [&](const std::string& k) { return keyChanged(k, *old, *next); });
    if (changed) l.fn(*next);
  }
  return Status::ok();
}

std::unique_ptr<LiveConfig::Listener> LiveConfig::listen(std::vector<std::string> keys,
                                                         std::function<void(const Snapshot&)> fn) {
  std::lock_guard lock(listen_mu_);
  uint64_t id = next_id_++;
  listeners_.push_back(Registration{id, std::move(keys), std::move(fn)});
  return std::make_unique<Listener>(*this, id);
}

void LiveConfig::unlisten(uint64_t id) {
  std::lock_guard lock(listen_mu_);
  std::erase_if(listeners_, [id](const Registration& r) { return r.id == id; });
}

}  // namespace shoal
