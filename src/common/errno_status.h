// Translation between errno values and Status at the OS edges: errno into Status where Shoal calls
// the OS (local files, journal I/O), Status into errno where programs call Shoal (FUSE, Python).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace shoal {

// "<what>: <strerror>" with a code that matches the errno (ENOENT -> kNotFound, ...).
Status errnoStatus(int err, const std::string& what);

// The errno a POSIX program expects for a Status: ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY,
// EACCES, EROFS, EINVAL, ETIMEDOUT, ENOSPC, EFBIG, ENODATA; NotSupported is EPERM (what link(2)
// answers where links are not kept); EIO for the rest. 0 for OK.
int statusErrno(const Status& st);

// Reads exactly n bytes at `offset` (retrying short reads and EINTR); a file that ends first is an
// I/O error naming `what`.
Status preadFull(int fd, char* buf, size_t n, uint64_t offset, const std::string& what);

}  // namespace shoal
