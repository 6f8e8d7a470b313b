#include "worker/request_check.h"

#include <fmt/format.h>

#include "common/path.h"

namespace shoal::worker {

Status checkReadRequest(const proto::ReadRequest& req, std::string_view edge) {
  if (req.file_id() == 0) return invalidArgument(fmt::format("{}: a read needs a file_id", edge));
  Status path = checkNormalized(req.path());
  if (!path) return path.withContext(fmt::format("{}: refused", edge));
  if (req.file_size() > kMaxFileBytes || req.offset() > kMaxFileBytes || req.length() > kMaxFileBytes) {
    return invalidArgument(fmt::format("{} {}: offset {} length {} of a {}-byte file is beyond the largest file "
                                       "({} bytes)", edge, req.path(), req.offset(), req.length(), req.file_size(),
                                       kMaxFileBytes));
  }
  return Status::ok();
}

Status checkPageIndex(uint64_t index, uint64_t page_size, std::string_view edge) {
  if (page_size == 0 || index >= kMaxFileBytes / page_size) {
    return invalidArgument(
        fmt::format("{}: page {} of {} bytes lies beyond the largest file ({} bytes)", edge, index, page_size,
                    kMaxFileBytes));
  }
  return Status::ok();
}

}  // namespace shoal::worker
