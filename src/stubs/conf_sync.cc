#include "stubs/conf_sync.h"

#include "common/logging.h"

namespace shoal::stubs {

ConfSync::ConfSync(MasterConnection& conn, LiveConfig& live, std::string kind, std::string host, std::string client_id)
    : client_(conn), live_(live), kind_(std::move(kind)), host_(std::move(host)), client_id_(std::move(client_id)),
      thread_([this] { run(); }) {}

ConfSync::~ConfSync() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  client_.cancelWatches();
  cv_.notify_all();
  thread_.join();
}

void ConfSync::noteVersion(uint64_t version) {
  {
    std::lock_guard lock(mu_);
    if (version <= seen_) return;
    seen_ = version;
  }
  cv_.notify_all();
}

void ConfSync::run() {
  auto log = logger("conf");
  std::string last_error;
  // Logs a failure once until it changes, then waits a second (or until stopped).
  auto failed = [&](const char* what, const Status& st) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    if (st.toString() != last_error) log->warn("{} the cluster configuration: {}", what, st.toString());
    last_error = st.toString();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
  };
  uint64_t refused = 0;  // the newest version this process could not take
  while (true) {
    uint64_t applied = live_.version();
    uint64_t have = std::max(applied, refused);
    uint64_t target;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      target = seen_;
    }
    // Wait at the master for a version newer than the one held, unless one is known already.
    if (target <= have) {
      auto v = client_.watch(have, applied, kWatchMs, client_id_, kind_, host_);
      if (!v) {
        failed("watching", v.error());
        continue;
      }
      noteVersion(*v);
      if (*v <= have) continue;
    }
    auto conf = client_.get();
    if (!conf) {
      failed("fetching", conf.error());
      continue;
    }
    last_error.clear();
    if (conf->version() <= have) continue;
    std::vector<ConfRuleValue> rules;
    for (const auto& r : conf->rules()) rules.push_back(ConfRuleValue{r.key(), r.value(), r.path()});
    Status st = live_.update(conf->version(), std::move(rules));
    if (!st) {
      log->error("refused the cluster configuration (staying on version {}): {}", applied, st.toString());
      refused = conf->version();
      continue;
    }
    log->info("applied the cluster configuration version {}", conf->version());
  }
}

}  // namespace shoal::stubs
