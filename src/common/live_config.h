// A process's configuration as it changes at run time: its own (defaults, site file, -D) under the
// rules of the cluster configuration version it applied last. update() takes a newer version whole
// or not at all (every rule is checked first), swaps the snapshot, then calls the listeners of the
// keys whose effective value changed. Readers take the current snapshot (one atomic load); hot
// paths keep typed snapshots built by their listeners, never look keys up. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/configuration.h"

namespace shoal {

class LiveConfig {
 public:
  explicit LiveConfig(Configuration base);
  ~LiveConfig();
  LiveConfig(const LiveConfig&) = delete;
  LiveConfig& operator=(const LiveConfig&) = delete;

  struct Snapshot {
    uint64_t version = 0;
    std::shared_ptr<const Configuration> conf;  // cluster-wide rules applied
    std::vector<ConfRuleValue> rules;           // all rules of `version`, path rules included
    // The configuration for `path`: `conf` under the path rules of the prefixes that hold it.
    Configuration forPath(std::string_view path) const;
  };

  // The process's own configuration, before any cluster rule.
  const Configuration& base() const { return base_; }
  std::shared_ptr<const Snapshot> current() const { return current_.load(); }
  uint64_t version() const { return current()->version; }

  // Applies `version` (ignored unless newer than the applied one). A rule this process cannot take
  // rejects the version whole, and the process stays on the old one.
  Status update(uint64_t version, std::vector<ConfRuleValue> rules);

  class Listener;
  // Calls `fn` with the new snapshot after every applied version that changes one of `keys` (a
  // cluster-wide value, or any path rule of it); never at registration. Listeners run one at a time
  // on the thread that called update(). Destroying the handle unregisters (it waits for a call in
  // progress), so `fn` may use anything that outlives the handle.
  std::unique_ptr<Listener> listen(std::vector<std::string> keys, std::function<void(const Snapshot&)> fn);

 private:
  struct Registration {
    uint64_t id;
    std::vector<std::string> keys;
    std::function<void(const Snapshot&)> fn;
  };
  void unlisten(uint64_t id);

  const Configuration base_;
  std::atomic<std::shared_ptr<const Snapshot>> current_;
  std::mutex update_mu_;                     // one update at a time
  std::mutex listen_mu_;                     // held while listeners run
  std::vector<Registration> listeners_;      // guarded by listen_mu_
  uint64_t next_id_ = 1;                     // guarded by listen_mu_
};

class LiveConfig::Listener {
 public:
  Listener(LiveConfig& owner, uint64_t id) : owner_(owner), id_(id) {}
  ~Listener() { owner_.unlisten(id_); }

 private:
  LiveConfig& owner_;
  uint64_t id_;
};

}  // namespace shoal
