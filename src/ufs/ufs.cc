#include "ufs/ufs.h"

#include <fmt/format.h>

namespace shoal::ufs {

Status changedInStore(const std::string& where, uint64_t size, int64_t mtime_ms, uint64_t expected_size,
                      int64_t expected_mtime_ms) {
  return Status(StatusCode::kFailedPrecondition,
                fmt::format("{}: changed in the store (size {} mtime {}, expected size {} mtime {}); reload its metadata",
                            where, size, mtime_ms, expected_size, expected_mtime_ms));
}

Result<size_t> Ufs::readIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                                    std::span<char> buf) {
  auto st = getStatus(path);
  if (!st) return makeError(st.error());
  if (st->is_dir) return makeError(Status(StatusCode::kIsADirectory, uri() + path + ": is a directory"));
  if (st->size != size || st->mtime_ms != mtime_ms) {
    return makeError(changedInStore(uri() + path, st->size, st->mtime_ms, size, mtime_ms));
  }
  return read(path, offset, buf);
}

}  // namespace shoal::ufs
