// The deterministic state machine: the only code that changes the namespace. apply() runs entries in
// sequence order (from the local log, or later from Raft) and gives every replica identical state.
// Thread-safety: apply() and loadCheckpoint() take the lock exclusively; read() takes it shared, so
// any number of RPC threads read while one journal thread applies.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <shared_mutex>

#include "journal.pb.h"
#include "master/namespace/namespace.h"

namespace shoal::master {

struct ApplyResult {
  Status status;
  std::optional<Inode> inode;  // mkdir, createFile, completeFile
};

class StateMachine {
 public:
  explicit StateMachine(std::unique_ptr<InodeStore> store);

  ApplyResult apply(const proto::JournalEntry& entry);

  template <typename F>
  auto read(F&& f) const {
    std::shared_lock lock(mu_);
    return f(ns_);
  }

  uint64_t lastApplied() const {
    std::shared_lock lock(mu_);
    return last_applied_;
  }

  // Writes the whole state (namespace, mount table, last applied sequence). Callers ensure no
  // apply runs concurrently (the journal thread writes checkpoints itself).
  Status saveCheckpoint(std::ostream& out) const;
  Status loadCheckpoint(std::istream& in);

 private:
  mutable std::shared_mutex mu_;
  Namespace ns_;                 // guarded by mu_
  uint64_t last_applied_ = 0;    // guarded by mu_
  uint64_t next_mount_id_ = 1;   // guarded by mu_
};

}  // namespace shoal::master
