#include "fuse/fuse_errno.h"

#include <cerrno>

namespace shoal::fuse {

int toErrno(const Status& st) {
  switch (st.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kNotFound: return ENOENT;
    case StatusCode::kAlreadyExists: return EEXIST;
    case StatusCode::kInvalidArgument: return EINVAL;
    case StatusCode::kNotADirectory: return ENOTDIR;
    case StatusCode::kIsADirectory: return EISDIR;
    case StatusCode::kDirectoryNotEmpty: return ENOTEMPTY;
    case StatusCode::kPermissionDenied: return EACCES;
    case StatusCode::kReadOnly: return EROFS;
    case StatusCode::kDeadlineExceeded: return ETIMEDOUT;
    case StatusCode::kNoSpace: return ENOSPC;
    case StatusCode::kNotSupported: return EPERM;
    case StatusCode::kFileTooLarge: return EFBIG;
    case StatusCode::kNoAttribute: return ENODATA;
    default: return EIO;
  }
}

}  // namespace shoal::fuse
