// The replicated journal: the masters of a group share one log through Raft (Debian's libraft
// with its libuv transport), behind the same Journal seam as the single-master LocalJournal.
//
// libraft is not thread-safe, so one thread runs the uv loop and owns the raft instance. RPC
// threads queue their entries and wake the loop (uv_async_send); the loop drains the queue and
// proposes up to kBatch entries as one raft entry, because single-entry applies do about 2k/s here
// and batched ones over 100k/s. Every member applies every committed batch to its state machine in
// log order (hot standby); a submitter on the leader hears back once its entry is committed and
// applied. A member that is not the leader refuses submits, naming the leader it knows. Snapshots
// are the state machine's checkpoint. Thread-safe.
#pragma once

#include <chrono>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "master/journal/journal.h"

namespace shoal::master {

struct RaftJournalConfig {
  std::string folder;                   // raft's log and snapshots
  std::vector<std::string> addresses;   // host:port of every member, the same list on each
  std::string self;                     // this member's address; must be in `addresses`
  std::chrono::milliseconds election_timeout{1000};
  std::chrono::milliseconds heartbeat_timeout{100};
  unsigned snapshot_threshold = 8192;   // log entries (batches) between snapshots
  // How long a leader waits for a snapshot it sent before sending it again (libraft's default,
  // 30 s, leaves a member that was down when the first one went out behind for that long).
  std::chrono::milliseconds install_snapshot_timeout{10000};
};

struct RaftState {
  bool leader = false;
  std::string leader_address;  // "" while unknown
  uint64_t term = 0;
  uint64_t last_index = 0;
  uint64_t applied_index = 0;
};

class RaftJournal final : public Journal {
 public:
  RaftJournal(RaftJournalConfig config, StateMachine& sm);
  ~RaftJournal() override;

  // Checks the configuration, starts the loop thread, and joins (or bootstraps) the group.
  Status start() override;
  ApplyResult submit(proto::JournalEntry entry) override;
  uint64_t lastSequence() const override;
  void stop() override;

  RaftState state();

  static constexpr size_t kBatch = 64;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::master
