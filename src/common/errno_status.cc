#include "common/errno_status.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

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
    case EOPNOTSUPP: code = StatusCode::kNotSupported; break;
    case ENODATA: code = StatusCode::kNoAttribute; break;
    case EINVAL:
    case ENAMETOOLONG: code = StatusCode::kInvalidArgument; break;
    // A store that cannot be reached now may be reachable later: callers may retry.
    case ENOTCONN:
    case ECONNREFUSED:
    case ECONNRESET:
    case ESHUTDOWN:
    case ETIMEDOUT: code = StatusCode::kUnavailable; break;
    default: break;
  }
  const char* reason = err == ENOENT ? "no such file or directory" : std::strerror(err);
  return Status(code, what + ": " + reason);
}

Status preadFull(int fd, char* buf, size_t n, uint64_t offset, const std::string& what) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return errnoStatus(errno, "pread " + what);
    if (r == 0) return Status(StatusCode::kIoError, "pread " + what + ": the file ended early");
    done += static_cast<size_t>(r);
  }
  return Status::ok();
}

int statusErrno(const Status& st) {
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

}  // namespace shoal
