// The journal seam: the master hands every mutation to submit(), which returns once the entry is
// durable and applied. The single-master LocalJournal and the RaftJournal implement it;
// neither the state machine nor the master's operations know which one runs. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>

#include "journal.pb.h"
#include "common/clock.h"
#include "common/metrics/registry.h"
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
  // Declares shoal_master_journal_commit_seconds (submit to applied, as callers wait) and
  // shoal_master_journal_batch_entries (entries made durable together); until then nothing is measured.
  void declareMetrics(metrics::Registry& r) {
    batch_entries_.store(&r.histogram("shoal_master_journal_batch_entries",
                                      "Entries made durable by one write (a disk flush, or one Raft proposal).",
                                      metrics::kCountBuckets));
    commit_seconds_.store(&r.histogram("shoal_master_journal_commit_seconds",
                                       "From submitting a change to the journal until it is durable and applied.",
                                       metrics::kLatencyBuckets));
    r.gaugeFn("shoal_master_journal_snapshot_bytes", "Size of the last checkpoint or Raft snapshot written or loaded.",
              [this] { return snapshot_bytes_.load(std::memory_order_relaxed); });
    r.gaugeFn("shoal_master_journal_snapshot_age_seconds",
              "Seconds since the last checkpoint or Raft snapshot was written (-1: none yet).", [this] {
                int64_t at = snapshot_ms_.load(std::memory_order_relaxed);
                if (at == 0) return int64_t{-1};
                return (nowMs() - at) / 1000;
              });
  }

 protected:
  // A checkpoint or snapshot of `bytes` was written (or loaded) at `at_ms` (Unix time).
  void noteSnapshot(int64_t bytes, int64_t at_ms) {
    snapshot_bytes_.store(bytes, std::memory_order_relaxed);
    snapshot_ms_.store(at_ms, std::memory_order_relaxed);
  }
  void observeBatch(size_t entries) const {
    if (auto* h = batch_entries_.load(std::memory_order_acquire)) h->observe(static_cast<double>(entries));
  }
  // Waits for a submitted entry's result up to the submit timeout.
  ApplyResult awaitApplied(std::future<ApplyResult>& done) const {
    auto started = std::chrono::steady_clock::now();
    if (done.wait_for(std::chrono::milliseconds(submit_timeout_ms_)) == std::future_status::ready) {
      if (auto* h = commit_seconds_.load(std::memory_order_acquire)) {
        h->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
      return done.get();
    }
    return ApplyResult{Status(StatusCode::kDeadlineExceeded,
                              "the journal did not make the change durable within " +
                                  std::to_string(submit_timeout_ms_) +
                                  " ms (a stalled disk, or no quorum); it may or may not be applied"),
                       std::nullopt};
  }

 private:
  int64_t submit_timeout_ms_ = 30000;
  std::atomic<metrics::Histogram*> batch_entries_{nullptr};
  std::atomic<metrics::Histogram*> commit_seconds_{nullptr};
  std::atomic<int64_t> snapshot_bytes_{0};
  std::atomic<int64_t> snapshot_ms_{0};
};

}  // namespace shoal::master
