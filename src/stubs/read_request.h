// The ReadRequest a client sends a worker for a range of a file, from the file's metadata as the
// master gave it: one place, so every transport (gRPC, data port, short-circuit, read-ahead) names
// the same version and mount-table version. Pure function.
#pragma once

#include <cstdint>

#include "common.pb.h"
#include "worker.pb.h"

namespace shoal::stubs {

inline proto::ReadRequest readRequestFor(const proto::FileInfo& file, uint64_t offset, uint64_t length) {
  proto::ReadRequest req;
  req.set_file_id(file.id());
  req.set_path(file.path());
  req.set_file_size(file.size());
  req.set_mtime_ms(file.mtime_ms());
  req.set_mount_table_version(file.mount_table_version());
  req.set_offset(offset);
  req.set_length(length);
  return req;
}

// The bytes a worker sends back for `req` when the range lies within the file: its length, or
// the sum of its extents.
inline uint64_t requestedBytes(const proto::ReadRequest& req) {
  if (req.extents_size() == 0) return req.length();
  uint64_t n = 0;
  for (const proto::Extent& e : req.extents()) n += e.length();
  return n;
}

// Follows a streamed reply (chunks naming their file offset) through the request's range or
// extents in order: a chunk that is not the next bytes expected is refused.
class ReplyCursor {
 public:
  explicit ReplyCursor(const proto::ReadRequest& req) : req_(req) { enter(); }
  // True if `n` bytes at `offset` are the next ones expected (and moves past them).
  bool advance(uint64_t offset, uint64_t n) {
    if (offset != pos_ || n > end_ - pos_) return false;
    pos_ += n;
    if (pos_ == end_ && req_.extents_size() > 0 && ++index_ < req_.extents_size()) enter();
    return true;
  }

 private:
  void enter() {
    if (req_.extents_size() == 0) {
      pos_ = req_.offset();
      end_ = req_.offset() + req_.length();
    } else if (index_ < req_.extents_size()) {
      pos_ = req_.extents(index_).offset();
      end_ = pos_ + req_.extents(index_).length();
    }
  }
  const proto::ReadRequest& req_;
  int index_ = 0;
  uint64_t pos_ = 0;
  uint64_t end_ = 0;
};

}  // namespace shoal::stubs
