// Parsing and printing of values with units: sizes ("64MB", "4GiB") and durations ("10min",
// "200ms", "-1"). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace shoal {

// Sizes: a number with an optional unit B, KB, MB, GB, TB (powers of 1024, as Alluxio reads them),
// also KiB/MiB/GiB/TiB and the one-letter forms K/M/G/T. Case-insensitive.
Result<uint64_t> parseBytes(std::string_view text);
// Durations: a number with an optional unit ms, s/sec, min, h/hr, d/day (no unit: milliseconds).
// Negative values are allowed (the caller's validator decides whether they mean anything).
Result<int64_t> parseDurationMs(std::string_view text);
Result<int64_t> parseInt(std::string_view text);

// "1.5M", "532", "2.0G": the style of `ls -h` and Alluxio's `fs ls -h`.
std::string humanBytes(uint64_t bytes);
std::string formatDurationMs(int64_t ms);

}  // namespace shoal
