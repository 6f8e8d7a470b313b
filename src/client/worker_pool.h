// The live workers as a client sees them: the consistent-hash ring (from the master's worker list,
// cached for shoal.user.worker.list.refresh.interval, refreshed at once after a worker failed) and
// one gRPC stub per worker. Shared by the reader and the writers. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "stubs/worker_registry_client.h"
#include "stubs/worker_ring.h"
#include "common/configuration.h"
#include "worker.grpc.pb.h"

namespace shoal::client {

class WorkerPool {
 public:
  // `master_addresses`: every master (a Raft group), so the worker list follows the leader like every
  // other call; with the first configured master down the ring is still known.
  WorkerPool(const Configuration& conf, const std::vector<std::string>& master_addresses);

  // The current ring. If the master cannot be reached, the last ring known (or an empty one):
  // the master being away must not stop cached reads.
  std::shared_ptr<const stubs::WorkerRing> ring();
  // A worker failed: ask the master for the live set on the next ring() call.
  void markStale();
  // The ring, fetched anew first when the master's digest of worker states (from CreateFile) is
  // not the one this ring was built with: a worker began or ended decommissioning.
  std::shared_ptr<const stubs::WorkerRing> ringAt(uint64_t states_digest);
  proto::WorkerService::Stub& stub(const std::string& address);
  int64_t timeoutMs() const { return timeout_ms_; }
  // The master's worker registry this pool asks (statfs, cache reports).
  stubs::WorkerRegistryClient& registry() { return registry_; }

 private:
  stubs::WorkerRegistryClient registry_;
  const int64_t refresh_ms_;
  const int64_t timeout_ms_;
  std::mutex mu_;
  std::shared_ptr<const stubs::WorkerRing> ring_;                                    // guarded by mu_
  std::chrono::steady_clock::time_point ring_time_;                           // guarded by mu_
  bool stale_ = true;                                                         // guarded by mu_
  uint64_t states_digest_ = 0;                                                // of ring_; guarded by mu_
  std::map<std::string, std::unique_ptr<proto::WorkerService::Stub>> stubs_;  // guarded by mu_
};

}  // namespace shoal::client
