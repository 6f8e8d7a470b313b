#include "worker/page_ingest.h"

#include <fmt/format.h>

#include "common/path.h"
#include "worker/request_check.h"

namespace shoal::worker {

PageIngest::Session::~Session() {
  // No commit: the writer failed or went away. Its pages must not linger, held, forever.
  if (!done_ && file_id_ != 0) owner_.store_.removeVersion(file_id_, kWritingVersion);
  end();
}

void PageIngest::Session::begin() {
  if (counted_) return;
  counted_ = true;
  owner_.in_flight_.fetch_add(1);
}

void PageIngest::Session::end() {
  if (!counted_) return;
  counted_ = false;
  owner_.in_flight_.fetch_sub(1);
}

Status PageIngest::refuseNew(const std::string& path) const {
  if (accepting()) return Status::ok();
  return Status(StatusCode::kUnavailable,
                fmt::format("WritePages {}: this worker is being decommissioned and takes no new pages; the "
                            "client's worker list is stale (it refreshes within shoal.user.worker.list.refresh.interval)",
                            path));
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
  SHOAL_RETURN_IF_ERROR(owner_.refuseNew(path));
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
  if (file_id_ == 0) {
    // Counted before the check: a hand-over that stopped taking files and then saw no write under
    // way can never miss one that slipped in between.
    begin();
    if (Status no = owner_.refuseNew(path); !no) {
      end();
      return no;
    }
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
  // Counted as under way until its pages are published (or dropped), not just until now.
  struct EndAtReturn {
    Session* s;
    ~EndAtReturn() { s->end(); }
  } end_at_return{this};
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
