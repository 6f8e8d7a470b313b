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

}  // namespace shoal::stubs
