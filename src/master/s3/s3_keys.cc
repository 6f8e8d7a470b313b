#include "master/s3/s3_keys.h"

#include <algorithm>
#include <fmt/format.h>

#include "common/crypto.h"

namespace shoal::master {

Status checkS3AccessKey(const std::string& access_key) {
  if (access_key.size() < 3 || access_key.size() > 128 ||
      !std::all_of(access_key.begin(), access_key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      })) {
    return invalidArgument("an S3 access key is 3 to 128 letters, digits, '_', '-' or '.'");
  }
  return Status::ok();
}

Status checkS3Key(const std::string& access_key, const std::string& secret) {
  SHOAL_RETURN_IF_ERROR(checkS3AccessKey(access_key));
  if (secret.size() < 8 || secret.size() > 128 ||
      !std::all_of(secret.begin(), secret.end(), [](char c) { return c > ' ' && c < 0x7f; })) {
    return invalidArgument("an S3 secret key is 8 to 128 printable ASCII characters without spaces");
  }
  return Status::ok();
}

Status S3Keys::apply(const proto::S3KeyEntry& e) {
  if (e.remove()) {
    if (keys_.erase(e.access_key()) == 0) return Status(StatusCode::kNotFound, "no S3 access key " + e.access_key());
    return Status::ok();
  }
  if (keys_.count(e.access_key())) {
    return Status(StatusCode::kAlreadyExists, "S3 access key " + e.access_key() + " exists (remove it first)");
  }
  if (keys_.size() >= kMaxS3Keys) {
    return Status(StatusCode::kFailedPrecondition, fmt::format("at most {} S3 access keys", kMaxS3Keys));
  }
  proto::S3KeyRecord& r = keys_[e.access_key()];
  r.set_access_key(e.access_key());
  r.set_secret(e.secret());
  r.set_created_ms(e.time_ms());
  r.set_user(e.user());
  return Status::ok();
}

std::optional<std::string> S3Keys::signingKey(const std::string& access_key, const std::string& date,
                                              const std::string& region) const {
  auto it = keys_.find(access_key);
  if (it == keys_.end()) return std::nullopt;
  return sigV4SigningKey(it->second.secret(), date, region, "s3");
}

void S3Keys::saveTo(proto::S3Table* table) const {
  for (const auto& [k, r] : keys_) *table->add_keys() = r;
}

void S3Keys::load(const proto::S3Table& table) {
  keys_.clear();
  for (const auto& r : table.keys()) keys_[r.access_key()] = r;
}

}  // namespace shoal::master
