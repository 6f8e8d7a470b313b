// The single-master journal: an append-only log in segments plus periodic checkpoints, in one
// folder. One writer thread does group commit: it takes every entry queued since its last round,
// writes them with one write() and one fdatasync(), then applies them in order and wakes their
// submitters. A checkpoint is taken every `checkpoint_period` entries, after which older segments
// and checkpoints are deleted. Recovery loads the newest valid checkpoint and replays the log; a
// torn record at the very end (a crash mid-write) is cut off, a bad record anywhere else is
// corruption and stops start-up. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "master/journal/journal.h"

namespace shoal::master {

class LocalJournal final : public Journal {
 public:
  LocalJournal(std::string folder, StateMachine& sm, uint64_t checkpoint_period);
  ~LocalJournal() override;

  Status start() override;
  ApplyResult submit(proto::JournalEntry entry) override;
  uint64_t lastSequence() const override { return last_seq_.load(); }
  void stop() override;

 private:
  struct Pending {
    proto::JournalEntry entry;
    std::promise<ApplyResult> done;
  };
  Status lockFolder();
  Status recover();
  Status replaySegment(const std::string& path, bool is_last, uint64_t* expected_seq);
  Status openSegment(uint64_t first_seq);
  Status writeCheckpoint();
  void writerLoop();
  void commitBatch(std::deque<Pending>& batch);

  const std::string folder_;
  StateMachine& sm_;
  const uint64_t checkpoint_period_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  Status failed_;              // guarded by mu_: once set, every submit fails

  // Owned by the writer thread after start().
  int segment_fd_ = -1;
  int lock_fd_ = -1;
  uint64_t since_checkpoint_ = 0;
  std::string write_buf_;
  std::atomic<uint64_t> last_seq_{0};
  std::thread writer_;
};

}  // namespace shoal::master
