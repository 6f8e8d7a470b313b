#include "common/errno_status.h"

#include <cerrno>
#include <cstring>

namespace shoal {

Status errnoStatus(int err, const std::string& what) {
  StatusCode code = StatusCode::kIoError;
  switch (err) {
    case ENOENT: code = StatusCode::kNotFound; break;
    case EEXIST: code = StatusCode::kAlreadyExists; break;
    case ENOTDIR: code = StatusCode::kNotADirectory; break;
    case EISDIR: code = StatusCode::kIsADirectory; break;
    case ENOTEMPTY: code = StatusCode::kDirectoryNotEmpty; break;
    case EACCES:
    case EPERM: code = StatusCode::kPermissionDenied; break;
    case EROFS: code = StatusCode::kReadOnly; break;
    case EINVAL:
    case ENAMETOOLONG: code = StatusCode::kInvalidArgument; break;
    default: break;
  }
  const char* reason = err == ENOENT ? "no such file or directory" : std::strerror(err);
  return Status(code, what + ": " + reason);
}

}  // namespace shoal
