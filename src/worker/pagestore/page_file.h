// The on-disk form of one cached page: the raw bytes (so a short-circuit client can pread them
// straight from the descriptor) followed by a 12-byte trailer, xxh64 of the bytes and a magic
// number. Files are written under a temporary name and renamed in, so a crash leaves either no
// page or a whole one; a page whose trailer does not match is never served.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "common/status.h"

namespace shoal::worker {

inline constexpr uint64_t kPageTrailerBytes = 12;
inline constexpr std::string_view kPageTempSuffix = ".tmp";

Status writePageFile(const std::string& path, std::span<const char> data);
// Reads the whole file from `fd` and checks its trailer; returns the data length.
Result<uint64_t> verifyPageFile(int fd, const std::string& path);

}  // namespace shoal::worker
