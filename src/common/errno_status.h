// Translation of errno values into Status at the OS edge (local files, journal I/O).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace shoal {

// "<what>: <strerror>" with a code that matches the errno (ENOENT -> kNotFound, ...).
Status errnoStatus(int err, const std::string& what);

// Reads exactly n bytes at `offset` (retrying short reads and EINTR); a file that ends first is an
// I/O error naming `what`.
Status preadFull(int fd, char* buf, size_t n, uint64_t offset, const std::string& what);

}  // namespace shoal
