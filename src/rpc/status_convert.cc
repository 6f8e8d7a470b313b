#include "rpc/status_convert.h"

#include <fmt/format.h>

#include "common/units.h"

namespace shoal::rpc {

grpc::Status toGrpc(const Status& st) {
  if (st.isOk()) return grpc::Status::OK;
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  switch (st.code()) {
    case StatusCode::kOk: code = grpc::StatusCode::OK; break;
    case StatusCode::kNotFound: code = grpc::StatusCode::NOT_FOUND; break;
    case StatusCode::kAlreadyExists: code = grpc::StatusCode::ALREADY_EXISTS; break;
    case StatusCode::kInvalidArgument: code = grpc::StatusCode::INVALID_ARGUMENT; break;
    case StatusCode::kNotADirectory:
    case StatusCode::kIsADirectory:
    case StatusCode::kDirectoryNotEmpty:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kNotSupported:
    case StatusCode::kFileTooLarge:
    case StatusCode::kNoAttribute:
    case StatusCode::kReadOnly: code = grpc::StatusCode::FAILED_PRECONDITION; break;
    case StatusCode::kPermissionDenied: code = grpc::StatusCode::PERMISSION_DENIED; break;
    case StatusCode::kUnavailable:
    case StatusCode::kNotLeader: code = grpc::StatusCode::UNAVAILABLE; break;
    case StatusCode::kDeadlineExceeded: code = grpc::StatusCode::DEADLINE_EXCEEDED; break;
    case StatusCode::kNoSpace: code = grpc::StatusCode::RESOURCE_EXHAUSTED; break;
    case StatusCode::kIoError:
    case StatusCode::kCorruption:
    case StatusCode::kInternal: code = grpc::StatusCode::INTERNAL; break;
  }
  return grpc::Status(code, st.message(), std::to_string(static_cast<int>(st.code())));
}

Status fromGrpc(const grpc::Status& st, const std::string& target) {
  if (st.ok()) return Status::ok();
  auto shoal_code = parseInt(st.error_details());
  if (shoal_code && *shoal_code > 0 && *shoal_code <= static_cast<int>(kLastStatusCode)) {
    return Status(static_cast<StatusCode>(*shoal_code), st.error_message());
  }
  // Errors made by gRPC itself (connection refused, deadline) carry no Shoal code.
  switch (st.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return Status(StatusCode::kUnavailable,
                    fmt::format("cannot reach {} (is it running?): {}", target, st.error_message()));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Status(StatusCode::kDeadlineExceeded, fmt::format("{} did not answer in time", target));
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      // The server's thread quota (server_options.cc) is full: a busy server, worth retrying.
      return Status(StatusCode::kUnavailable, fmt::format("{} is busy (all its request threads are taken): {}", target,
                                                          st.error_message()));
    case grpc::StatusCode::UNIMPLEMENTED:
      return Status(StatusCode::kInternal, fmt::format("{} does not implement this call (version mismatch?)", target));
    default:
      return Status(StatusCode::kInternal, fmt::format("{}: {}", target, st.error_message()));
  }
}

}  // namespace shoal::rpc
