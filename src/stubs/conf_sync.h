// Keeps a process on the cluster's configuration: one thread long-polls the leading master
// (WatchConf, which also reports the version applied here for `shoal conf status`); when the
// version goes up it fetches the rules and hands them to the LiveConfig, which checks them all
// and swaps the snapshot or keeps the old one. A version seen elsewhere (a heartbeat reply) wakes
// it at once. A master that cannot be reached is tried again every second; nothing here ever
// blocks the process's own calls. Thread-safe; stops (cancelling the poll) when destroyed.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "stubs/conf_client.h"
#include "common/live_config.h"

namespace shoal::stubs {

class ConfSync {
 public:
  // How long one watch waits at the master for a change.
  static constexpr uint32_t kWatchMs = 20'000;

  // `kind` ("worker", "fuse", "client"), `host` and `client_id` (a worker's: its address) name
  // this process in `conf status`. `conn` and `live` must outlive this object.
  ConfSync(MasterConnection& conn, LiveConfig& live, std::string kind, std::string host, std::string client_id);
  ~ConfSync();

  // A heartbeat reply said the cluster is at `version`.
  void noteVersion(uint64_t version);

 private:
  void run();

  ConfClient client_;
  LiveConfig& live_;
  const std::string kind_;
  const std::string host_;
  const std::string client_id_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;   // guarded by mu_
  uint64_t seen_ = 0;       // the newest version heard of; guarded by mu_
  std::thread thread_;
};

}  // namespace shoal::stubs
