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
  if (req.extents_size() == 0) return Status::ok();
  if (req.extents_size() > kMaxReadExtents) {
    return invalidArgument(fmt::format("{} {}: {} extents in one read; at most {}", edge, req.path(),
                                       req.extents_size(), kMaxReadExtents));
  }
  if (req.offset() != 0 || req.length() != 0 || req.prefetch()) {
    return invalidArgument(fmt::format("{} {}: a read with extents names no offset or length and is no prefetch",
                                       edge, req.path()));
  }
  uint64_t prev_end = 0;
  for (const proto::Extent& e : req.extents()) {
    // Each bound is checked before the sum, so offset + length cannot overflow.
    if (e.length() == 0 || e.offset() < prev_end || e.offset() > req.file_size() ||
        e.length() > req.file_size() - e.offset()) {
      return invalidArgument(fmt::format("{} {}: extent {}+{} of a {}-byte file is empty, out of order, overlaps "
                                         "the one before it or ends past the file", edge, req.path(), e.offset(),
                                         e.length(), req.file_size()));
    }
    prev_end = e.offset() + e.length();
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
