// The S3 gateways' bucket table as journaled state (`shoal fs bucket bind|unbind`): bucket names
// bound to any Shoal directory, beside the top-level directories that are buckets by default.
// Part of the state machine, like the access keys. apply() is deterministic; what may be bound is
// checked before an entry is journaled (checkBucketBinding). Not thread-safe on its own (the
// state machine's lock guards it).
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "journal.pb.h"

namespace shoal::master {

// At most this many bindings: the table lives in every checkpoint and every gateway's memory.
inline constexpr size_t kMaxBucketBindings = 10000;

// A name S3 clients can address and an absolute, normalized path below "/" (the root's
// directories are buckets already).
Status checkBucketBinding(const std::string& name, const std::string& path);
Status checkBucketName(const std::string& name);

class S3Buckets {
 public:
  // Binding a bound name is AlreadyExists; unbinding one that is not bound is NotFound.
  Status apply(const proto::S3BucketEntry& e);
  const std::map<std::string, proto::S3BucketRecord>& all() const { return buckets_; }

  void saveTo(proto::S3Table* table) const;
  void load(const proto::S3Table& table);

 private:
  std::map<std::string, proto::S3BucketRecord> buckets_;  // sorted: checkpoints and digests agree
};

}  // namespace shoal::master
