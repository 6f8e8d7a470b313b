// Where the data of files open for writing waits until it is published: unnamed files in one local
// directory, with one byte budget for all of them. A file is unlinked as soon as it is made, so a
// crash leaves nothing behind. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "common/status.h"
#include "common/unique_fd.h"

namespace shoal::vfs {

class StagingArea {
 public:
  StagingArea(std::string dir, uint64_t capacity);

  // A new, empty, unnamed staging file.
  Result<UniqueFd> newFile();
  // Takes `bytes` more of the budget; NoSpace (ENOSPC) when that would pass the capacity.
  Status reserve(uint64_t bytes, const std::string& for_path);
  void release(uint64_t bytes);
  uint64_t used() const;
  uint64_t capacity() const { return capacity_; }
  const std::string& dir() const { return dir_; }

 private:
  const std::string dir_;
  const uint64_t capacity_;
  mutable std::mutex mu_;
  uint64_t used_ = 0;  // guarded by mu_
};

}  // namespace shoal::vfs
