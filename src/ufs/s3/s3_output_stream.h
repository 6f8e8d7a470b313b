// A file being written to S3. Small files are one PUT on close; once the data passes the part size
// the stream becomes a multipart upload, a part per part size, completed on close. Nothing is
// visible under the key before close() succeeds, and cancel() aborts the upload, so a failed or
// abandoned writer leaves no object (and no parts billed forever). Not thread-safe (one writer).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ufs/s3/s3_client.h"
#include "ufs/ufs.h"

namespace shoal::ufs {

class S3OutputStream final : public UfsOutputStream {
 public:
  S3OutputStream(std::shared_ptr<S3Client> client, std::string key, std::string where, bool overwrite,
                 uint64_t part_size);
  ~S3OutputStream() override { cancel(); }

  Status write(std::span<const char> data) override;
  Status close() override;
  void cancel() override;

 private:
  Status uploadPart();
  // Completes the multipart upload; after an answer that leaves the outcome unknown (a transport
  // error, a 5xx) it checks whether an earlier attempt completed it before trying again.
  Status complete();
  Status fail(Status st) {
    cancel();
    return st;
  }
  std::shared_ptr<S3Client> client_;
  std::string key_;
  std::string where_;
  bool overwrite_;
  uint64_t part_size_;
  bool open_ = true;
  std::string buffer_;
  std::string upload_id_;  // "" until the first part goes up
  std::vector<std::string> etags_;
};

}  // namespace shoal::ufs
