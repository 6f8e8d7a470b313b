// Shoal Status codes as the errno values POSIX programs expect from a file system.
#pragma once

#include "common/status.h"

namespace shoal::fuse {

// ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EACCES, EROFS, EINVAL...; EIO for the rest.
int toErrno(const Status& st);

}  // namespace shoal::fuse
