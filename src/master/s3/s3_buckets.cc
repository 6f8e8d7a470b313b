#include "master/s3/s3_buckets.h"

#include <fmt/format.h>

#include "common/bucket_name.h"
#include "common/path.h"

namespace shoal::master {

Status checkBucketName(const std::string& name) {
  if (!validS3BucketName(name)) {
    return invalidArgument("'" + name.substr(0, 80) +
                           "' is not an S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-', starting and "
                           "ending with a letter or digit");
  }
  return Status::ok();
}

Status checkBucketBinding(const std::string& name, const std::string& path) {
  SHOAL_RETURN_IF_ERROR(checkBucketName(name));
  if (Status st = checkNormalized(path); !st) return st.withContext("bucket path");
  if (path == "/") return invalidArgument("bind a directory below /: the root's directories are buckets already");
  return Status::ok();
}

Status S3Buckets::apply(const proto::S3BucketEntry& e) {
  if (e.remove()) {
    if (buckets_.erase(e.name()) == 0) return Status(StatusCode::kNotFound, "no bucket " + e.name() + " is bound");
    return Status::ok();
  }
  if (auto it = buckets_.find(e.name()); it != buckets_.end()) {
    return Status(StatusCode::kAlreadyExists,
                  "bucket " + e.name() + " is bound to " + it->second.path() + " (unbind it first)");
  }
  if (buckets_.size() >= kMaxBucketBindings) {
    return Status(StatusCode::kFailedPrecondition, fmt::format("at most {} bucket bindings", kMaxBucketBindings));
  }
  proto::S3BucketRecord& r = buckets_[e.name()];
  r.set_name(e.name());
  r.set_path(e.path());
  r.set_created_ms(e.time_ms());
  r.set_user(e.user());
  return Status::ok();
}

void S3Buckets::saveTo(proto::S3Table* table) const {
  for (const auto& [name, r] : buckets_) *table->add_buckets() = r;
}

void S3Buckets::load(const proto::S3Table& table) {
  buckets_.clear();
  for (const auto& r : table.buckets()) buckets_[r.name()] = r;
}

}  // namespace shoal::master
