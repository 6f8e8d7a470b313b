// The deterministic state machine: the only code that changes the namespace. apply() runs entries in
// sequence order (from the local log, or later from Raft) and gives every replica identical state.
// Thread-safety: apply() and loadCheckpoint() take the lock exclusively; read() takes it shared, so
// any number of RPC threads read while one journal thread applies.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "journal.pb.h"
#include "master/config/cluster_config.h"
#include "master/namespace/namespace.h"
#include "master/s3/s3_buckets.h"
#include "master/s3/s3_keys.h"
#include "master/workers/worker_states.h"

namespace shoal::master {

struct ApplyResult {
  Status status;
  std::optional<Inode> inode;  // mkdir, createFile, completeFile
};

class StateMachine {
 public:
  explicit StateMachine(std::unique_ptr<InodeStore> store);

  // An entry with a request id already applied is not applied again: its first result is returned.
  ApplyResult apply(const proto::JournalEntry& entry);
  // The result of the call with this request id if it was applied (with its inode as it is now).
  std::optional<ApplyResult> recall(const std::string& request_id) const;
  // A hash of the namespace's content (paths, kinds, sizes, modes, owners, flags, mount table),
  // equal on replicas with equal state whatever order they built it in.
  // A hash of the whole namespace in name order: equal on replicas that applied the same entries
  // (meaningful while no change is being applied). nullopt while another digest is being computed.
  std::optional<uint64_t> digest() const;

  template <typename F>
  auto read(F&& f) const {
    std::shared_lock lock(mu_);
    return f(ns_);
  }

  // The cluster configuration's current version (cheap: every heartbeat reply carries it).
  uint64_t confVersion() const { return conf_version_.load(std::memory_order_acquire); }
  proto::ClusterConf clusterConf() const {
    std::shared_lock lock(mu_);
    return conf_.conf();
  }
  std::vector<proto::ConfHistoryRecord> confHistory(size_t limit) const {
    std::shared_lock lock(mu_);
    return conf_.history(limit);
  }
  // The administrator's word on a worker (ACTIVE unless decommissioning or decommissioned).
  proto::WorkerState workerState(const std::string& address) const {
    std::shared_lock lock(mu_);
    return workers_.state(address);
  }
  std::map<std::string, proto::WorkerStateRecord> workerStates() const {
    std::shared_lock lock(mu_);
    return workers_.all();
  }
  uint64_t workerStatesDigest() const {
    std::shared_lock lock(mu_);
    return workers_.digest();
  }
  // The S3 gateways' access keys (never their secrets) and a day's signing key of one.
  std::map<std::string, proto::S3KeyRecord> s3Keys() const {
    std::shared_lock lock(mu_);
    return s3_keys_.all();
  }
  std::optional<std::string> s3SigningKey(const std::string& access_key, const std::string& date,
                                          const std::string& region) const {
    std::shared_lock lock(mu_);
    return s3_keys_.signingKey(access_key, date, region);
  }
  // The S3 gateways' bound buckets, by name.
  std::map<std::string, proto::S3BucketRecord> s3Buckets() const {
    std::shared_lock lock(mu_);
    return s3_buckets_.all();
  }
  // Called (outside the state lock, on the applying thread) after every applied change of the
  // cluster configuration and after a checkpoint is loaded, with the new version. Set before start.
  void setConfObserver(std::function<void(uint64_t version)> fn) { conf_observer_ = std::move(fn); }

  uint64_t lastApplied() const {
    std::shared_lock lock(mu_);
    return last_applied_;
  }

  // Request ids remembered for retries; the oldest are forgotten first. A client retries within
  // seconds, while this many other calls complete in well under a minute at full load.
  static constexpr size_t kRememberedRequests = 100000;

  // Writes the whole state (namespace, mount table, last applied sequence). Callers ensure no
  // apply runs concurrently (the journal thread writes checkpoints itself).
  Status saveCheckpoint(std::ostream& out) const;
  Status loadCheckpoint(std::istream& in);

 private:
  ApplyResult applyRemembered(const proto::JournalEntry& entry);
  ApplyResult applyLocked(const proto::JournalEntry& entry);
  proto::S3Table s3TableLocked() const;  // keys and bound buckets, as checkpoints keep them

  mutable std::shared_mutex mu_;
  Namespace ns_;                 // guarded by mu_
  uint64_t last_applied_ = 0;    // guarded by mu_
  uint64_t next_mount_id_ = 1;   // guarded by mu_
  ClusterConfig conf_;           // guarded by mu_
  WorkerStates workers_;         // guarded by mu_
  S3Keys s3_keys_;               // guarded by mu_
  S3Buckets s3_buckets_;         // guarded by mu_
  std::atomic<uint64_t> conf_version_{0};
  std::function<void(uint64_t)> conf_observer_;
  mutable std::mutex digest_mu_;  // one digest walk at a time
  struct Outcome {
    Status status;
    InodeId inode = kInvalidInode;
  };
  std::unordered_map<std::string, Outcome> requests_;  // guarded by mu_
  std::deque<std::string> request_order_;              // guarded by mu_; oldest first
};

}  // namespace shoal::master
