// The leader's side of `fsadmin decommission worker` and `enable`: checks the request, journals the
// worker's new state, answers a decommissioning worker which of its files it must hand over, and
// journals it DECOMMISSIONED once its heartbeat says the hand-over is done. Thread-safe.
#pragma once

#include <vector>

#include "master/fs/file_system_master.h"
#include "master/journal/journal.h"
#include "master/workers/worker_registry.h"
#include "worker.pb.h"

namespace shoal::master {

class WorkerAdmin {
 public:
  WorkerAdmin(StateMachine& sm, Journal& journal, const WorkerRegistry& registry)
      : sm_(sm), journal_(journal), registry_(registry) {}

  // DECOMMISSIONING (of a worker this master knows, live or lost, or already out) or ACTIVE (of
  // a worker that is not). Asking again for the state a worker is in succeeds and changes nothing.
  // Returns the state before.
  Result<proto::WorkerState> setState(const std::string& address, proto::WorkerState state, const CallerIdentity& who);
  // The state to tell the worker at `address` on its heartbeat; a decommissioning worker whose
  // hand-over is done becomes DECOMMISSIONED here.
  proto::WorkerState onHeartbeat(const std::string& address, const proto::HandoverProgress& progress);
  // Of `file_ids`, the complete regular files whose pages must outlive the worker (pinned, or with
  // no store copy), at their current size and mtime.
  Result<std::vector<proto::HandoverFile>> handoverFiles(const std::vector<uint64_t>& file_ids) const;

  // Every worker not ACTIVE, by address.
  std::map<std::string, proto::WorkerStateRecord> states() const { return sm_.workerStates(); }

  static constexpr size_t kMaxHandoverIds = 1000;

 private:
  StateMachine& sm_;
  Journal& journal_;
  const WorkerRegistry& registry_;
};

// "ACTIVE", "DECOMMISSIONING", "DECOMMISSIONED".
const char* workerStateName(proto::WorkerState s);

}  // namespace shoal::master
