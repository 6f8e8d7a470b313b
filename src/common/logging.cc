#include "common/logging.h"

#include <mutex>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace shoal {

std::shared_ptr<spdlog::logger> logger(const std::string& component) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (auto existing = spdlog::get(component)) return existing;
  auto log = spdlog::stderr_color_mt(component);
  log->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [%n] %v");
  return log;
}

void setLogLevel(const std::string& level) { spdlog::set_level(spdlog::level::from_str(level)); }

}  // namespace shoal
