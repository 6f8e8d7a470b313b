// The administrator's word on each worker (`fsadmin decommission worker`, `enable`) as journaled
// state: every worker not ACTIVE, by address. Part of the state machine, so it is replicated,
// checkpointed and survives a restart of the worker or of the masters. apply() is deterministic.
// Not thread-safe on its own (the state machine's lock guards it).
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "journal.pb.h"

namespace shoal::master {

class WorkerStates {
 public:
  // DECOMMISSIONING from any state; ACTIVE forgets the record; DECOMMISSIONED only from
  // DECOMMISSIONING (a worker enabled meanwhile stays active).
  Status apply(const proto::WorkerStateEntry& e);
  proto::WorkerState state(const std::string& address) const;
  const std::map<std::string, proto::WorkerStateRecord>& all() const { return workers_; }
  // Of every (address, state): 0 when every worker is active. Clients compare it, never order it.
  uint64_t digest() const;

  proto::WorkerStateTable table() const;
  void load(const proto::WorkerStateTable& table);

 private:
  std::map<std::string, proto::WorkerStateRecord> workers_;  // sorted: checkpoints and digests agree
};

}  // namespace shoal::master
