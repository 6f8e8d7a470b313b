// The audit log: one record per operation a front door served (the master's namespace calls, the
// FUSE operations that change something, later the S3 gateway's requests). The request thread
// never formats and, by default, never waits: it copies the record's fields into a slot of a bounded
// lock-free queue (the slots keep their strings' capacity, so a steady load allocates nothing) and
// goes on. One writer thread formats (JSON lines, or HDFS-style tab-separated fields for existing
// parsers) and writes the file, rotated by size and count.
//
// A full queue drops the record under the default policy ("drop"), counts it, and the writer then
// writes a gap record saying how many were dropped between which times; under "block" the request
// thread waits for a free slot, and nothing is lost. Enabling and the filters (ops, path prefixes)
// change at run time. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"

namespace spdlog {
class logger;
}

namespace shoal {

enum class AuditFormat { kJson, kHdfs };
enum class AuditPolicy { kDrop, kBlock };

struct AuditOptions {
  std::string path;               // the file
  AuditFormat format = AuditFormat::kJson;
  AuditPolicy policy = AuditPolicy::kDrop;
  size_t queue_size = 16384;      // slots (rounded up to a power of two)
  uint64_t max_size = 256 << 20;  // rotate at this many bytes
  size_t max_files = 10;          // rotated files kept
};

// What the request thread fills in. Strings are views: the queue copies them.
struct AuditEvent {
  int64_t time_us = 0;           // when the operation started (Unix time)
  std::string_view door;         // "master", "fuse", "s3"
  std::string_view op;
  std::string_view path;
  std::string_view dst;          // rename's destination, else empty
  bool allowed = true;           // false: the operation failed
  std::string_view result;       // "ok" or the error's short name
  std::string_view user;
  std::string_view groups;
  std::string_view client;       // address:port, or "pid 123" for FUSE
  std::string_view request_id;
  int64_t latency_us = 0;
};

class AuditLog {
 public:
  // Opens nothing until the first enable().
  explicit AuditLog(AuditOptions options);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Starts (opening the file, starting the writer) or pauses recording; the error names the file.
  Status setEnabled(bool on);
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  // Comma-separated: only these ops ("" all), only paths under these prefixes ("" all).
  void setFilters(const std::string& ops, const std::string& path_prefixes);
  // Whether `op` on `path` is recorded now (callers skip building the event when not).
  bool wants(std::string_view op, std::string_view path) const;

  // Queues one record (never formats). Under the drop policy a full queue drops it.
  void record(const AuditEvent& e);
  // Waits until every record queued before the call is written and flushed (tests, shutdown).
  void flush();

  uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  size_t depth() const;
  const std::string& path() const { return options_.path; }
  // The writer's time per batch written, for shoal_<role>_audit_write_seconds (set before enabling).
  void setWriteObserver(std::function<void(double seconds)> fn) { write_observer_ = std::move(fn); }

 private:
  struct Slot;
  struct Filters {
    std::vector<std::string> ops;
    std::vector<std::string> prefixes;
  };
  bool tryPush(const AuditEvent& e);
  void run();
  void format(const Slot& s, std::string& out) const;
  void formatGap(uint64_t count, int64_t first_us, int64_t last_us, std::string& out) const;

  const AuditOptions options_;
  std::unique_ptr<Slot[]> slots_;
  size_t mask_;
  std::atomic<size_t> head_{0};  // next slot to fill
  std::atomic<size_t> tail_{0};  // next slot to write (the writer's)
  std::atomic<size_t> flushed_{0};  // every record before this is in the file
  std::atomic<bool> enabled_{false};
  std::atomic<std::shared_ptr<const Filters>> filters_;
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<int64_t> first_drop_us_{0};  // of the drops not yet reported by a gap record
  std::atomic<int64_t> last_drop_us_{0};
  std::atomic<bool> writer_idle_{false};
  std::atomic<int> blocked_{0};  // producers waiting for a slot (block policy)
  std::function<void(double)> write_observer_;

  std::mutex mu_;  // the writer's sleep, blocked producers, flush, start/stop
  std::condition_variable work_cv_;   // the writer waits for records
  std::condition_variable space_cv_;  // blocked producers and flush() wait for the writer
  bool stopping_ = false;             // guarded by mu_
  bool flush_wanted_ = false;         // guarded by mu_
  // How long records wait at most before the writer formats and writes them.
  static constexpr std::chrono::milliseconds kWriterPeriod{20};
  std::shared_ptr<spdlog::logger> file_;
  std::thread writer_;
};

}  // namespace shoal
