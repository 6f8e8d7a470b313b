// One spdlog logger per component ("master", "journal", "ufs", ...), all writing through one shared
// sink: stderr, plus the daemon's log file once logToFile() names it. Thread-safe (spdlog's _mt sinks).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "common/status.h"

namespace shoal {

std::shared_ptr<spdlog::logger> logger(const std::string& component);
// Applies shoal.log.level ("info", ...) to every logger, present and future.
void setLogLevel(const std::string& level);

// From now on every logger also writes to `dir`/`file_name`, rotated at `max_size` bytes with
// `max_files` older files kept. Creates `dir`. Returns the file's path; the error names it.
Result<std::string> logToFile(const std::string& dir, const std::string& file_name, uint64_t max_size,
                              size_t max_files);
// Writes out every logger's buffered lines (before _exit, which skips the flush at exit).
void flushLogs();
// The current log file ("" before logToFile).
std::string logFilePath();

// A hot path's log line at most once per interval; the lines it held back are counted and the
// next line says how many. Thread-safe; one per call site (a static local or a member).
class LogRateLimiter {
 public:
  explicit LogRateLimiter(std::chrono::milliseconds interval = std::chrono::seconds(10)) : interval_(interval) {}
  // True when this line should be written; `suppressed` is how many were held back before it.
  bool allow(uint64_t& suppressed);

 private:
  const std::chrono::milliseconds interval_;
  std::atomic<int64_t> next_ms_{0};
  std::atomic<uint64_t> held_{0};
};

}  // namespace shoal
