#include "common/logging.h"

#include <filesystem>
#include <mutex>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace shoal {
namespace {

std::mutex& registryMutex() {
  static std::mutex mu;
  return mu;
}

// Every logger writes here, so a file added later reaches loggers made before it.
std::shared_ptr<spdlog::sinks::dist_sink_mt>& sharedSink() {
  static auto sink = [] {
    auto dist = std::make_shared<spdlog::sinks::dist_sink_mt>();
    dist->add_sink(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    return dist;
  }();
  return sink;
}

std::string& filePath() {
  static std::string path;  // guarded by registryMutex()
  return path;
}

}  // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& component) {
  std::lock_guard<std::mutex> lock(registryMutex());
  if (auto existing = spdlog::get(component)) return existing;
  auto log = std::make_shared<spdlog::logger>(component, sharedSink());
  log->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [%n] %v");
  log->set_level(spdlog::get_level());
  log->flush_on(spdlog::level::warn);
  spdlog::register_logger(log);
  return log;
}

void setLogLevel(const std::string& level) { spdlog::set_level(spdlog::level::from_str(level)); }

Result<std::string> logToFile(const std::string& dir, const std::string& file_name, uint64_t max_size,
                              size_t max_files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = (std::filesystem::path(dir) / file_name).string();
  if (ec) return makeError(StatusCode::kIoError, "log directory " + dir + ": " + ec.message());
  try {
    auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path, max_size, max_files);
    file->set_pattern("%Y-%m-%d %H:%M:%S.%e %l [%n] [%t] %v");
    std::lock_guard<std::mutex> lock(registryMutex());
    sharedSink()->add_sink(file);
    filePath() = path;
    // Warnings reach the file at once; the rest within a second, so `tail -f` and the UI's log page
    // keep up without a write per line.
    spdlog::flush_every(std::chrono::seconds(1));
  } catch (const spdlog::spdlog_ex& e) {
    return makeError(StatusCode::kIoError, "log file " + path + ": " + e.what());
  }
  return path;
}

void flushLogs() {
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->flush(); });
}

std::string logFilePath() {
  std::lock_guard<std::mutex> lock(registryMutex());
  return filePath();
}

bool LogRateLimiter::allow(uint64_t& suppressed) {
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch()).count();
  int64_t next = next_ms_.load(std::memory_order_relaxed);
  if (now < next || !next_ms_.compare_exchange_strong(next, now + interval_.count(), std::memory_order_relaxed)) {
    held_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  suppressed = held_.exchange(0, std::memory_order_relaxed);
  return true;
}

}  // namespace shoal
