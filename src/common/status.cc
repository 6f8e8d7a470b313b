#include "common/status.h"

namespace shoal {

const char* statusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotADirectory: return "NotADirectory";
    case StatusCode::kIsADirectory: return "IsADirectory";
    case StatusCode::kDirectoryNotEmpty: return "DirectoryNotEmpty";
    case StatusCode::kPermissionDenied: return "PermissionDenied";
    case StatusCode::kReadOnly: return "ReadOnly";
    case StatusCode::kFailedPrecondition: return "FailedPrecondition";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kIoError: return "IoError";
    case StatusCode::kDeadlineExceeded: return "DeadlineExceeded";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kInternal: return "Internal";
    case StatusCode::kNotLeader: return "NotLeader";
    case StatusCode::kNoSpace: return "NoSpace";
    case StatusCode::kNotSupported: return "NotSupported";
    case StatusCode::kFileTooLarge: return "FileTooLarge";
    case StatusCode::kNoAttribute: return "NoAttribute";
  }
  return "Unknown";
}

Status statusFromWire(int64_t code, std::string message) {
  if (code > 0 && code <= static_cast<int64_t>(kLastStatusCode)) {
    return Status(static_cast<StatusCode>(code), std::move(message));
  }
  return Status(StatusCode::kInternal, "a peer answered with the unknown error code " + std::to_string(code) + ": " +
                                           message.substr(0, 512));
}

std::string Status::toString() const {
  if (isOk()) return "OK";
  return std::string(statusCodeName(code_)) + ": " + message_;
}

Status Status::withContext(const std::string& context) const {
  if (isOk()) return *this;
  return Status(code_, context + ": " + message_);
}

Status notFound(const std::string& path) {
  return Status(StatusCode::kNotFound, path + ": no such file or directory");
}
Status alreadyExists(const std::string& path) {
  return Status(StatusCode::kAlreadyExists, path + ": file exists");
}
Status invalidArgument(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

}  // namespace shoal
