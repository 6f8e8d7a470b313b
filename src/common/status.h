// Status and Result<T>: the error currency of Shoal. A Status is a code plus a message that names
// the thing and the cause; it is a cheap value, safe to copy between threads.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace shoal {

enum class StatusCode {
  kOk = 0,
  kNotFound,
  kAlreadyExists,
  kInvalidArgument,
  kNotADirectory,
  kIsADirectory,
  kDirectoryNotEmpty,
  kPermissionDenied,
  kReadOnly,
  kFailedPrecondition,
  kUnavailable,
  kIoError,
  kDeadlineExceeded,
  kCorruption,
  kInternal,
  // This master does not lead the Raft group (or lost leadership before the change was
  // confirmed): the client retries on the leader, with the same request id.
  kNotLeader,
  // Out of a bounded local resource a caller can free (the staging area of dirty file data): ENOSPC.
  kNoSpace,
  // The store or the namespace does not have this kind of object or operation (hard links on
  // S3): EPERM, as link(2) and mknod(2) answer on file systems without them.
  kNotSupported,
  // Larger than the largest file this client can hold (its staging area): EFBIG.
  kFileTooLarge,
  // An extended attribute that is not set: ENODATA.
  kNoAttribute,
};
inline constexpr StatusCode kLastStatusCode = StatusCode::kNoAttribute;

const char* statusCodeName(StatusCode code);

class Status;
// A Status from a code and message a peer sent (data port, short-circuit socket): a code outside
// the enum (a newer or hostile peer) is Internal naming the number, never an out-of-range enum.
// An error code of 0 with a message is not success either: it is Internal too.
Status statusFromWire(int64_t code, std::string message);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }
  bool isOk() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return isOk(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NotFound: /a/b: no such file or directory"
  std::string toString() const;
  // Prefixes the message with context, keeping the code: "mount /data: " + message.
  Status withContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
using Result = tl::expected<T, Status>;

inline tl::unexpected<Status> makeError(StatusCode code, std::string message) {
  return tl::unexpected<Status>(Status(code, std::move(message)));
}
inline tl::unexpected<Status> makeError(Status status) { return tl::unexpected<Status>(std::move(status)); }

// Convenience constructors whose messages follow the "<path>: <cause>" convention.
Status notFound(const std::string& path);
Status alreadyExists(const std::string& path);
Status invalidArgument(std::string message);

// What SHOAL_RETURN_IF_ERROR returns: converts to Status or to any Result<T>, so the macro works
// in functions of either kind.
struct ErrorReturn {
  Status status;
  operator Status() const { return status; }
  template <typename T>
  operator Result<T>() const {
    return tl::unexpected<Status>(status);
  }
};

}  // namespace shoal

#define SHOAL_RETURN_IF_ERROR(expr)                                 \
  do {                                                              \
    ::shoal::Status _st = (expr);                                   \
    if (!_st.isOk()) return ::shoal::ErrorReturn{std::move(_st)};   \
  } while (0)
