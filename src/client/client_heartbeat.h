// A long-lived client's heartbeat to the leading master (a FUSE daemon's): every
// shoal.user.heartbeat.interval it sends its cumulative counters, which the master sums as
// shoal_cluster_client_*. A failed heartbeat is logged (rate-limited) and tried again at the next
// interval; it never blocks the client's own calls. Thread-safe; stops when destroyed.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/configuration.h"
#include "common/live_config.h"
#include "worker.pb.h"

namespace shoal::stubs {
class ConfSync;
class MasterClient;
class WorkerRegistryClient;
}  // namespace shoal::stubs

namespace shoal::client {

class FileReader;

// A new id for a client in the master's table: "<host>-<pid>-<random>".
std::string newClientId();
// This machine's host name.
std::string localHostName();

// The counters a client reports (also what client_metrics exports).
proto::ClientCounters clientCounters(const stubs::MasterClient& master, const FileReader& reader);

class ClientHeartbeat {
 public:
  // `kind` names the client in the master's table ("fuse"). Both must outlive this object.
  // With `live` and `sync`, each beat reports the configuration version applied and hands the
  // cluster's version in the reply to `sync`.
  ClientHeartbeat(const Configuration& conf, const stubs::MasterClient& master, const FileReader& reader, std::string kind,
                  const LiveConfig* live = nullptr, stubs::ConfSync* sync = nullptr, std::string client_id = newClientId());
  ~ClientHeartbeat();

 private:
  void run();

  const stubs::MasterClient& master_;
  const FileReader& reader_;
  const int64_t interval_ms_;
  const LiveConfig* live_;
  stubs::ConfSync* sync_;
  proto::ClientHeartbeatRequest req_;
  std::unique_ptr<stubs::WorkerRegistryClient> registry_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace shoal::client
