// The master's worker registry as seen by workers (register, heartbeat) and clients (the live
// worker list). Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "worker.pb.h"

namespace shoal::stubs {

class WorkerRegistryClient {
 public:
  // With several masters (a Raft group), calls go to the leader and follow it across changes.
  WorkerRegistryClient(const std::vector<std::string>& master_addresses, int64_t timeout_ms);
  WorkerRegistryClient(const std::string& master_address, int64_t timeout_ms)
      : WorkerRegistryClient(std::vector<std::string>{master_address}, timeout_ms) {}
  ~WorkerRegistryClient();

  Result<uint64_t> registerWorker(const proto::WorkerInfo& info);
  // The master's answer: whether to register again, and the pinned files.
  // `address` is the worker's own, so a master that gave `worker_id` to another worker can tell.
  Result<proto::WorkerHeartbeatResponse> heartbeat(uint64_t worker_id, const std::string& address,
                                                   const std::vector<proto::TierUsage>& tiers,
                                                   const proto::WorkerCounters& counters = {},
                                                   uint64_t conf_version = 0,
                                                   const proto::HandoverProgress* handover = nullptr);
  // `fsadmin decommission worker` / `enable`: the state the worker was in before.
  Result<proto::WorkerState> setWorkerState(const std::string& address, proto::WorkerState state);
  // Of these files (at most 1000), those a decommissioning worker must hand over.
  Result<std::vector<proto::HandoverFile>> handoverFiles(const std::vector<uint64_t>& file_ids);
  // `states_digest`, when given, gets GetWorkersResponse.worker_states_digest.
  Result<std::vector<proto::WorkerInfo>> workers(bool include_lost, uint64_t* states_digest = nullptr);
  // The leading master's cluster-wide sums of the workers' and the clients' cumulative counters
  // (GetWorkers without the worker list).
  Result<proto::GetWorkersResponse> clusterSums();
  // A long-lived client's check-in with its counters.
  Result<proto::ClientHeartbeatResponse> clientHeartbeat(const proto::ClientHeartbeatRequest& req);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::stubs
