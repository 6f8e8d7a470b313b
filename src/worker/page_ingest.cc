#include "worker/page_ingest.h"

#include <fmt/format.h>

#include "common/path.h"
#include "worker/request_check.h"

namespace shoal::worker {

PageIngest::Session::~Session() {
  // No commit: the writer failed or went away. Its pages must not linger, held, forever.
  if (!done_ && file_id_ != 0) owner_.store_.removeVersion(file_id_, kWritingVersion);
}

Status PageIngest::Session::checkPage(uint64_t file_id, const std::string& path, uint64_t page_size,
                                      uint64_t index, std::string_view data) const {
  if (file_id == 0) return invalidArgument("WritePages: file_id is required");
  if (Status bad = checkNormalized(path); !bad) return bad.withContext("WritePages: refused");
  if (page_size != owner_.page_size_) {
    return invalidArgument(fmt::format("WritePages {}: the writer's page size {} differs from this worker's {} "
                                       "(set shoal.worker.page.size alike everywhere)", path, page_size,
                                       owner_.page_size_));
  }
  if (data.empty() || data.size() > owner_.page_size_) {
    return invalidArgument(fmt::format("WritePages {}: page {} has {} bytes; a page holds 1 to {}", path, index,
                                       data.size(), owner_.page_size_));
  }
  return checkPageIndex(index, page_size, "WritePages " + path);
}

Status PageIngest::Session::addCopy(uint64_t file_id, const std::string& path, uint64_t page_size, uint64_t index,
                                    uint64_t file_size, int64_t mtime_ms, std::string_view data) {
  SHOAL_RETURN_IF_ERROR(checkPage(file_id, path, page_size, index, data));
  uint64_t start = index * page_size;
  if (start >= file_size || data.size() != std::min(page_size, file_size - start)) {
    return invalidArgument(fmt::format("WritePages {}: a copy of page {} must hold the page whole ({} bytes given, "
                                       "file of {} bytes)", path, index, data.size(), file_size));
  }
  PageKey key{file_id, fileVersion(file_size, mtime_ms, ""), index};
  return owner_.store_.put(key, {data.data(), data.size()});
}

Status PageIngest::Session::addPage(uint64_t file_id, const std::string& path, uint64_t page_size, uint64_t index,
                                    std::string_view data) {
  SHOAL_RETURN_IF_ERROR(checkPage(file_id, path, page_size, index, data));
  if (done_) return invalidArgument(fmt::format("WritePages {}: page {} after commit", path, index));
  if (file_id_ != 0 && file_id != file_id_) {
    return invalidArgument(fmt::format("WritePages {}: one stream carries one file (got id {} after {})", path,
                                       file_id, file_id_));
  }
  file_id_ = file_id;
  path_ = path;
  SHOAL_RETURN_IF_ERROR(owner_.store_.put(PageKey{file_id, kWritingVersion, index}, {data.data(), data.size()},
                                          /*held=*/true)
                            .withContext(fmt::format("caching page {} of {}", index, path)));
  ++pages_;
  max_index_ = std::max(max_index_, index);
  return Status::ok();
}

Result<uint64_t> PageIngest::Session::commit(uint64_t file_size, int64_t mtime_ms) {
  if (done_) return makeError(invalidArgument("WritePages " + path_ + ": committed twice"));
  done_ = true;
  if (file_id_ == 0) return uint64_t{0};  // nothing of this file landed here
  if (pages_ > 0 && max_index_ * owner_.page_size_ >= file_size) {
    owner_.store_.removeVersion(file_id_, kWritingVersion);
    return makeError(invalidArgument(fmt::format("WritePages {}: page {} lies past the committed size {}", path_,
                                                 max_index_, file_size)));
  }
  uint64_t moved = owner_.store_.publishVersion(file_id_, kWritingVersion, fileVersion(file_size, mtime_ms, ""));
  if (moved != pages_) {
    owner_.store_.removeVersion(file_id_, kWritingVersion);
    return makeError(Status(StatusCode::kInternal, fmt::format("WritePages {}: published {} of {} pages", path_,
                                                               moved, pages_)));
  }
  return moved;
}

}  // namespace shoal::worker
