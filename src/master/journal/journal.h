// The journal seam: the master hands every mutation to submit(), which returns once the entry is
// durable and applied. The single-master LocalJournal and the RaftJournal implement it;
// neither the state machine nor the master's operations know which one runs. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <future>

#include "journal.pb.h"
#include "master/journal/state_machine.h"

namespace shoal::master {

class Journal {
 public:
  virtual ~Journal() = default;
  // Recovers state (checkpoint, then log replay) into the state machine and starts accepting.
  virtual Status start() = 0;
  // Makes the entry durable, applies it, and returns the state machine's result. The entry's
  // sequence is assigned here.
  virtual ApplyResult submit(proto::JournalEntry entry) = 0;
  virtual uint64_t lastSequence() const = 0;
  virtual void stop() = 0;
  // Whether this master may serve clients now: OK on a single master and on a Raft leader that
  // has applied everything committed before its term; NotLeader (naming the leader's RPC address
  // when known) on the others; FailedPrecondition when the group is misconfigured.
  virtual Status servingStatus() const { return Status::ok(); }
  // The leader's RPC address for redirects; "" when unknown or on a single master.
  virtual std::string leaderRpcAddress() const { return ""; }
  // How long submit() waits for its entry (a disk or a quorum that does not answer): past it the
  // caller gets DeadlineExceeded saying the change may or may not be applied. Set before start().
  void setSubmitTimeoutMs(int64_t ms) { submit_timeout_ms_ = ms; }

 protected:
  // Waits for a submitted entry's result up to the submit timeout.
  ApplyResult awaitApplied(std::future<ApplyResult>& done) const {
    if (done.wait_for(std::chrono::milliseconds(submit_timeout_ms_)) == std::future_status::ready) return done.get();
    return ApplyResult{Status(StatusCode::kDeadlineExceeded,
                              "the journal did not make the change durable within " +
                                  std::to_string(submit_timeout_ms_) +
                                  " ms (a stalled disk, or no quorum); it may or may not be applied"),
                       std::nullopt};
  }

 private:
  int64_t submit_timeout_ms_ = 30000;
};

}  // namespace shoal::master
