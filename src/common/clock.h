// Wall-clock time as the namespace records it (mtimes, heartbeats, uptimes): Unix time, in
// milliseconds or microseconds. Header-only: one call, used everywhere.
#pragma once

#include <chrono>
#include <cstdint>

namespace shoal {

inline int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sync timestamps are in microseconds: two syncs within one millisecond must still be ordered.
inline int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace shoal
