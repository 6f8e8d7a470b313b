// Translation of errno values into Status at the OS edge (local files, journal I/O).
#pragma once

#include <string>

#include "common/status.h"

namespace shoal {

// "<what>: <strerror>" with a code that matches the errno (ENOENT -> kNotFound, ...).
Status errnoStatus(int err, const std::string& what);

}  // namespace shoal
