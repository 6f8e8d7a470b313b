// Cache control over the live workers, for the CLI (`fs location`, `fs free`) and the C++ and
// Python APIs: which workers hold which cached pages of a file, and dropping them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common.pb.h"
#include "common/status.h"

namespace shoal::client {

class Context;

struct WorkerPages {
  std::string worker;           // its address
  std::vector<uint64_t> pages;  // the indexes of the file's pages it holds, ascending
};

// Every live worker, with the file's pages it holds (none: an empty list). Stops at the first
// worker that fails, naming it.
Result<std::vector<WorkerPages>> cachedPages(Context& ctx, uint64_t file_id);

// Drops the file's pages from every live worker and returns how many were dropped. Refused
// (FailedPrecondition) for a non-empty file with no store copy: freeing would lose it; and
// (IsADirectory) for a directory.
Result<uint64_t> freeFile(Context& ctx, const proto::FileInfo& file);

}  // namespace shoal::client
