// The long-lived clients that heartbeat to the master (FUSE daemons): when each last did, and the
// sum of their cumulative counters, kept as heartbeats arrive (see counter_growth.h). A client is
// live while its last heartbeat is younger than the timeout. Bounded: past kMaxClients, clients
// lost for the longest are forgotten (their counts stay in the sums); if all are live, a new
// client is refused. Not journaled: a new leader hears every client again on its next heartbeat.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "master.pb.h"
#include "worker.pb.h"

namespace shoal::master {

class ClientRegistry {
 public:
  static constexpr size_t kMaxClients = 100'000;
  explicit ClientRegistry(int64_t timeout_ms) : timeout_ms_(timeout_ms) {}

  // Unavailable when the table is full of live clients.
  Status heartbeat(const proto::ClientHeartbeatRequest& req, int64_t now_ms);
  // A client watching the cluster configuration says which version it applied (also a sign of life).
  Status noteConfVersion(const std::string& id, const std::string& kind, const std::string& host, uint64_t version,
                         int64_t now_ms);
  // Every client known, with the configuration version it applied.
  std::vector<proto::ConfProcess> confStatus(int64_t now_ms) const;
  proto::ClientCounters counterTotals() const;
  struct Counts {
    uint64_t live = 0;
    uint64_t lost = 0;
  };
  Counts counts(int64_t now_ms) const;

 private:
  struct Client {
    std::string kind;
    std::string host;
    int64_t last_ms = 0;
    proto::ClientCounters counters;
    uint64_t conf_version = 0;
  };
  // The client's entry, made if new (forgetting lost clients when full); callers hold mu_.
  Result<Client*> touchLocked(const std::string& id, const std::string& kind, const std::string& host, int64_t now_ms);
  const int64_t timeout_ms_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Client> clients_;  // by client id; guarded by mu_
  proto::ClientCounters totals_;                     // guarded by mu_
};

}  // namespace shoal::master
