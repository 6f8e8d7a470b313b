// Identity of a cached page: the file's inode id, the file's version (a fingerprint of its content
// in the store, so a changed file's old pages can never be served) and the page index.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace shoal::worker {

struct PageKey {
  uint64_t file_id = 0;
  uint64_t version = 0;
  uint64_t index = 0;

  bool operator==(const PageKey&) const = default;
  // "<file_id:016x>/<version:016x>/<index>", the page file's path inside a tier.
  std::string relativePath() const;
  std::string toString() const;
};

struct PageKeyHash {
  size_t operator()(const PageKey& k) const;
};

// Pages of a file being written wait under this version until the writer commits (never a real one).
inline constexpr uint64_t kWritingVersion = 0;

// The version of a file from its store fingerprint (size, mtime, content hash).
uint64_t fileVersion(uint64_t size, int64_t mtime_ms, const std::string& content_hash);

}  // namespace shoal::worker
