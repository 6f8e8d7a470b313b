#include "master/journal/local_journal.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/errno_status.h"
#include "common/logging.h"
#include "master/journal/journal_segment.h"

namespace shoal::master {
namespace fs = std::filesystem;

namespace {

std::string seqName(const char* prefix, uint64_t seq) { return fmt::format("{}{:020}", prefix, seq); }

Status fsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errnoStatus(errno, "open journal folder " + dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::ok() : errnoStatus(err, "fsync journal folder " + dir);
}

Status writeAll(int fd, const std::string& data, const std::string& what) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errnoStatus(errno, what);
    }
    done += static_cast<size_t>(n);
  }
  return Status::ok();
}

}  // namespace

LocalJournal::LocalJournal(std::string folder, StateMachine& sm, uint64_t checkpoint_period)
    : folder_(std::move(folder)), sm_(sm), checkpoint_period_(checkpoint_period) {}

LocalJournal::~LocalJournal() { stop(); }

Status LocalJournal::lockFolder() {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) return errnoStatus(ec.value(), "create journal folder " + folder_);
  std::string lock_path = folder_ + "/LOCK";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return errnoStatus(errno, "open " + lock_path);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("journal folder {} is in use by another master process", folder_));
  }
  return Status::ok();
}

Status LocalJournal::start() {
  SHOAL_RETURN_IF_ERROR(lockFolder());
  SHOAL_RETURN_IF_ERROR(recover());
  SHOAL_RETURN_IF_ERROR(openSegment(last_seq_ + 1));
  writer_ = std::thread([this] { writerLoop(); });
  return Status::ok();
}

Status LocalJournal::recover() {
  auto log = logger("journal");
  // Leftovers of a checkpoint interrupted before its rename are never valid.
  std::error_code ec;
  for (fs::directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ignored;  // a leftover that cannot be removed is still never loaded
    if (it->path().extension() == ".tmp") fs::remove(it->path(), ignored);
  }
  if (ec) return errnoStatus(ec.value(), "clean journal folder " + folder_);
  uint64_t checkpoint_seq = 0;
  auto listed_checkpoints = listJournalFiles(folder_, "checkpoint-");
  if (!listed_checkpoints) return listed_checkpoints.error();
  const auto& checkpoints = *listed_checkpoints;
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend(); ++it) {
    std::ifstream in(it->second, std::ios::binary);
    Status st = sm_.loadCheckpoint(in);
    if (st) {
      checkpoint_seq = it->first;
      log->info("loaded checkpoint {} (sequence {})", it->second, checkpoint_seq);
      struct stat sb {};
      if (::stat(it->second.c_str(), &sb) == 0) {
        noteSnapshot(sb.st_size, static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000 + sb.st_mtim.tv_nsec / 1000000);
      }
      break;
    }
    log->error("checkpoint {} is unusable, trying an older one: {}", it->second, st.toString());
  }
  if (!checkpoints.empty() && checkpoint_seq == 0) {
    return Status(StatusCode::kCorruption, fmt::format("journal {}: no checkpoint could be loaded", folder_));
  }
  uint64_t expected = checkpoint_seq + 1;
  auto segments = listJournalFiles(folder_, "log-");
  if (!segments) return segments.error();
  for (size_t i = 0; i < segments->size(); ++i) {
    SHOAL_RETURN_IF_ERROR(replaySegment((*segments)[i].second, i + 1 == segments->size(), &expected));
  }
  last_seq_ = expected - 1;
  log->info("journal {} recovered up to sequence {}", folder_, last_seq_.load());
  return Status::ok();
}

Status LocalJournal::replaySegment(const std::string& path, bool is_last, uint64_t* expected) {
  auto read = readJournalFile(path);
  if (!read) return read.error();
  const std::string& data = *read;
  size_t pos = 0;
  while (pos < data.size()) {
    JournalRecord rec = readJournalRecord(data, pos);
    if (rec.bad != nullptr) {
      std::string name = fs::path(path).filename().string();
      auto how_out = [&] {
        return fmt::format("restore the journal folder {} from a backup, or run `shoal fsadmin journal repair "
                           "--journal-dir {} --segment {} --truncate-at {}`, which drops every change from there "
                           "on and reports them",
                           folder_, folder_, name, pos);
      };
      if (!is_last) {
        return Status(StatusCode::kCorruption, fmt::format("journal segment {} is corrupt at byte {} ({}) and later "
                                                           "segments follow: {}",
                                                           path, pos, rec.bad, how_out()));
      }
      // A crash mid-append leaves a partial last record, never acknowledged: only such a torn
      // tail, with no valid record after it, is cut off. Valid records after a bad one were
      // acknowledged; dropping them silently would lose committed changes.
      if (auto next = nextValidJournalRecord(data, pos)) {
        return Status(StatusCode::kCorruption,
                      fmt::format("journal segment {} is corrupt at byte {} ({}), and valid records follow at byte "
                                  "{}: acknowledged changes would be lost; the master will not start. To go on, {}",
                                  path, pos, rec.bad, *next, how_out()));
      }
      logger("journal")->warn("journal segment {}: dropping a torn tail of {} bytes at byte {} ({})", path,
                              data.size() - pos, pos, rec.bad);
      if (::truncate(path.c_str(), static_cast<off_t>(pos)) != 0) return errnoStatus(errno, "truncate " + path);
      break;
    }
    pos += rec.bytes;
    const proto::JournalEntry& entry = rec.entry;
    if (entry.sequence() < *expected) continue;  // covered by the checkpoint
    if (entry.sequence() != *expected) {
      return Status(StatusCode::kCorruption, fmt::format("journal segment {}: sequence {} follows {} (gap)", path,
                                                         entry.sequence(), *expected - 1));
    }
    sm_.apply(entry);  // failures repeat deterministically; they were answered as failures then too
    ++*expected;
  }
  return Status::ok();
}

Status LocalJournal::openSegment(uint64_t first_seq) {
  if (segment_fd_ >= 0) ::close(segment_fd_);
  std::string path = folder_ + "/" + seqName("log-", first_seq);
  segment_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (segment_fd_ < 0) return errnoStatus(errno, "open journal segment " + path);
  return fsyncDir(folder_);
}

ApplyResult LocalJournal::submit(proto::JournalEntry entry) {
  std::future<ApplyResult> done;
  {
    std::lock_guard lock(mu_);
    if (!failed_.isOk()) return ApplyResult{failed_, std::nullopt};
    if (stopping_) return ApplyResult{Status(StatusCode::kUnavailable, "the master is shutting down"), std::nullopt};
    queue_.push_back(Pending{std::move(entry), {}});
    done = queue_.back().done.get_future();
  }
  cv_.notify_one();
  return awaitApplied(done);
}

void LocalJournal::writerLoop() {
  std::deque<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      batch.swap(queue_);
    }
    commitBatch(batch);
    batch.clear();
  }
}

void LocalJournal::commitBatch(std::deque<Pending>& batch) {
  observeBatch(batch.size());
  write_buf_.clear();
  uint64_t seq = last_seq_;
  for (auto& p : batch) {
    p.entry.set_sequence(++seq);
    appendJournalRecord(write_buf_, p.entry.SerializeAsString());
  }
  Status st = writeAll(segment_fd_, write_buf_, "append to journal " + folder_);
  if (st && ::fdatasync(segment_fd_) != 0) st = errnoStatus(errno, "fdatasync journal " + folder_);
  if (!st) {
    // The log may now hold part of this batch; accepting more would let memory and disk disagree.
    Status failed(StatusCode::kUnavailable,
                  "journal write failed, the master refuses further changes until restarted: " + st.message());
    logger("journal")->error("{}", failed.message());
    {
      std::lock_guard lock(mu_);
      failed_ = failed;
    }
    for (auto& p : batch) p.done.set_value(ApplyResult{failed, std::nullopt});
    return;
  }
  for (auto& p : batch) {
    ApplyResult r = sm_.apply(p.entry);
    last_seq_ = p.entry.sequence();
    p.done.set_value(std::move(r));
  }
  since_checkpoint_ += batch.size();
  if (since_checkpoint_ >= checkpoint_period_) {
    Status cst = writeCheckpoint();
    if (!cst) logger("journal")->error("checkpoint failed (the log still holds everything): {}", cst.toString());
  }
}

Status LocalJournal::writeCheckpoint() {
  uint64_t seq = last_seq_;
  std::string final_path = folder_ + "/" + seqName("checkpoint-", seq);
  std::string tmp = final_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    SHOAL_RETURN_IF_ERROR(sm_.saveCheckpoint(out));
    out.flush();
    if (!out) return Status(StatusCode::kIoError, "write checkpoint " + tmp);
  }
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    Status st = errnoStatus(errno, "fsync checkpoint " + tmp);
    if (fd >= 0) ::close(fd);
    return st;
  }
  ::close(fd);
  struct stat sb {};
  int64_t bytes = ::stat(tmp.c_str(), &sb) == 0 ? sb.st_size : 0;
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) return errnoStatus(errno, "rename checkpoint " + tmp);
  noteSnapshot(bytes, nowMs());
  SHOAL_RETURN_IF_ERROR(fsyncDir(folder_));
  SHOAL_RETURN_IF_ERROR(openSegment(seq + 1));
  since_checkpoint_ = 0;
  // Everything older is covered by the new checkpoint. What cannot be removed now is removed by a
  // later checkpoint; it never throws on the writer thread.
  std::error_code ec;
  if (auto logs = listJournalFiles(folder_, "log-")) {
    for (const auto& [first, path] : *logs) {
      if (first <= seq) fs::remove(path, ec);
    }
  }
  if (auto cps = listJournalFiles(folder_, "checkpoint-")) {
    for (const auto& [s, path] : *cps) {
      if (s < seq) fs::remove(path, ec);
    }
  }
  logger("journal")->info("checkpoint at sequence {} written", seq);
  return Status::ok();
}

void LocalJournal::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (segment_fd_ >= 0) ::close(segment_fd_);
  segment_fd_ = -1;
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
}

}  // namespace shoal::master
