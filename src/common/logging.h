// One spdlog logger per component ("master", "journal", "ufs", ...), all writing to stderr with
// the same pattern. Thread-safe (spdlog's _mt sinks).
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace shoal {

std::shared_ptr<spdlog::logger> logger(const std::string& component);
// Applies shoal.log.level ("info", ...) to every logger, present and future.
void setLogLevel(const std::string& level);

}  // namespace shoal
