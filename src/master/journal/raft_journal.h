// The replicated journal: the masters of a group share one log through Raft (Debian's libraft
// with its libuv transport), behind the same Journal seam as the single-master LocalJournal.
//
// libraft is not thread-safe, so one thread runs the uv loop and owns the raft instance. RPC
// threads queue their entries and wake the loop (uv_async_send); the loop drains the queue and
// proposes up to kBatch entries as one raft entry, because single-entry applies do about 2k/s here
// and batched ones over 100k/s. Every member applies every committed batch to its state machine in
// log order (hot standby); a submitter on the leader hears back once its entry is committed and
// applied. A new leader first commits an announcement of its RPC address (raft_codec.h) and serves
// only once that is applied, so it never answers from a state missing committed changes, and the
// followers can redirect clients to it. Members are identified by a hash of their journal address,
// so the order of the address list does not matter. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "master/journal/journal.h"

namespace shoal::master {

struct RaftJournalConfig {
  std::string folder = {};                  // raft's log and snapshots
  std::vector<std::string> addresses = {};  // host:port of every member, the same list on each
  std::string self = {};                    // this member's address; must be in `addresses`
  std::string rpc_address = {};             // this master's RPC address, announced when it leads
  std::chrono::milliseconds election_timeout{1000};
  std::chrono::milliseconds heartbeat_timeout{100};
  unsigned snapshot_threshold = 8192;   // log entries (batches) between snapshots
  // How long a leader waits for a snapshot it sent before sending it again (libraft's default,
  // 30 s, leaves a member that was down when the first one went out behind for that long).
  std::chrono::milliseconds install_snapshot_timeout{10000};
};

struct RaftMember {
  std::string address;
  bool voter = false;
  uint64_t match_index = 0;  // known on the leader only
};

struct RaftState {
  std::string role = {};            // leader, follower, candidate, unavailable
  bool leader = false;              // leads and serves (its announcement is applied)
  std::string leader_address = {};  // journal address; "" while unknown
  std::string leader_rpc_address = {};
  uint64_t term = 0;
  uint64_t last_index = 0;
  uint64_t commit_index = 0;
  uint64_t applied_index = 0;
  std::vector<RaftMember> members = {};
  std::string config_error = {};
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
  Status servingStatus() const override;
  std::string leaderRpcAddress() const override;

  RaftState state();
  const std::string& journalAddress() const;
  // Quorum administration, on the leader. transferLeader returns once `address` leads, or says why
  // it did not; add makes `address` a voter; remove drops a member other than the leader.
  Status transferLeader(const std::string& address);
  Status addMember(const std::string& address);
  Status removeMember(const std::string& address);

  static constexpr size_t kBatch = 64;

 private:
  struct Impl;
  Status changeMembership(const std::string& what, const std::function<Status(struct RaftMembershipChange*)>& begin,
                          bool assign_voter);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::master
