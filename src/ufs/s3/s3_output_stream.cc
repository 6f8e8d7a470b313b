#include "ufs/s3/s3_output_stream.h"

#include <chrono>
#include <thread>

#include "ufs/s3/s3_xml.h"

namespace shoal::ufs {

S3OutputStream::S3OutputStream(std::shared_ptr<S3Client> client, std::string key, std::string where, bool overwrite,
                               uint64_t part_size)
    : client_(std::move(client)),
      key_(std::move(key)),
      where_(std::move(where)),
      overwrite_(overwrite),
      part_size_(part_size) {}

Status S3OutputStream::write(std::span<const char> data) {
  if (!open_) return Status(StatusCode::kFailedPrecondition, where_ + ": stream is closed");
  buffer_.append(data.data(), data.size());
  while (buffer_.size() >= part_size_) SHOAL_RETURN_IF_ERROR(uploadPart());
  return Status::ok();
}

Status S3OutputStream::uploadPart() {
  if (upload_id_.empty()) {
    S3Request init{.method = "POST", .key = key_, .query = {{"uploads", ""}}, .idempotent = false};
    auto r = client_->send(init);
    if (!r) return fail(r.error());
    if (r->status != 200) return fail(s3Error(*r, where_));
    auto id = parseUploadId(r->body);
    if (!id) return fail(id.error().withContext(where_));
    upload_id_ = *id;
  }
  size_t n = std::min<size_t>(buffer_.size(), part_size_);
  S3Request part{.method = "PUT",
                 .key = key_,
                 .query = {{"partNumber", std::to_string(etags_.size() + 1)}, {"uploadId", upload_id_}},
                 .body = {buffer_.data(), n}};
  auto r = client_->send(part);
  if (!r) return fail(r.error());
  if (r->status != 200) return fail(s3Error(*r, where_));
  etags_.push_back(r->header("etag"));
  buffer_.erase(0, n);
  return Status::ok();
}

Status S3OutputStream::close() {
  if (!open_) return Status(StatusCode::kFailedPrecondition, where_ + ": stream is closed");
  if (!overwrite_) {
    // S3 cannot refuse an existing key atomically: checked as late as possible.
    auto head = client_->send(S3Request{.method = "HEAD", .key = key_});
    if (!head) return fail(head.error());
    if (head->status == 200) return fail(alreadyExists(where_));
  }
  if (upload_id_.empty()) {
    auto r = client_->send(S3Request{.method = "PUT", .key = key_, .body = {buffer_.data(), buffer_.size()}});
    if (!r) return fail(r.error());
    if (r->status != 200) return fail(s3Error(*r, where_));
  } else {
    if (!buffer_.empty()) SHOAL_RETURN_IF_ERROR(uploadPart());
    SHOAL_RETURN_IF_ERROR(complete());
    upload_id_.clear();
  }
  open_ = false;
  buffer_.clear();
  buffer_.shrink_to_fit();
  return Status::ok();
}

Status S3OutputStream::complete() {
  std::string xml = completeMultipartXml(etags_);
  S3Request req{.method = "POST",
                .key = key_,
                .query = {{"uploadId", upload_id_}},
                .body = {xml.data(), xml.size()},
                .idempotent = false};
  for (int attempt = 0;; ++attempt) {
    auto r = client_->send(req);
    // A complete can fail inside a 200 response: the body is then an <Error>.
    if (r && r->status == 200 && parseS3Error(r->body).first.empty()) return Status::ok();
    bool unknown = !r || r->status >= 500;  // the store may have completed it before failing
    if (!unknown) return fail(s3Error(*r, where_));
    // Did an earlier attempt complete it? Then the upload is gone and the object is there.
    auto parts = client_->send(S3Request{.method = "GET", .key = key_, .query = {{"uploadId", upload_id_}}});
    if (parts && parts->status == 404 && parseS3Error(parts->body).first == "NoSuchUpload") {
      auto head = client_->send(S3Request{.method = "HEAD", .key = key_});
      if (head && head->status == 200) return Status::ok();
    }
    if (attempt >= 3) return fail(r ? s3Error(*r, where_) : r.error());
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
}

void S3OutputStream::cancel() {
  open_ = false;
  buffer_.clear();
  if (!upload_id_.empty()) {
    (void)client_->send(S3Request{.method = "DELETE", .key = key_, .query = {{"uploadId", upload_id_}}});
    upload_id_.clear();
  }
}

}  // namespace shoal::ufs
