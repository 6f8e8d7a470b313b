// s3:// backend: s3://bucket/prefix over any S3-compatible store (AWS, Ceph RGW, MinIO), with the
// mount options s3.endpoint, s3.region, s3.access.key, s3.secret.key (falling back to AWS_* in
// the environment), s3.path.style, s3.multipart.part.size and s3.timeout.
//
// Directories are emulated the way S3 users expect: a listing's common prefixes are directories,
// and an empty directory is a zero-byte "dir/" marker object. Renames copy and delete (S3 has no
// rename), so they are neither atomic nor cheap for big trees. Thread-safe.
#pragma once

#include <memory>

#include "ufs/s3/s3_client.h"
#include "ufs/ufs.h"
#include "ufs/ufs_registry.h"

namespace shoal::ufs {

struct S3ListPage;

class S3Ufs final : public Ufs {
 public:
  S3Ufs(S3Config config, std::string prefix, uint64_t part_size);

  const std::string& uri() const override { return client_->config().uri; }
 protected:
  Result<UfsStatus> doGetStatus(const std::string& path) override;
  Result<std::vector<UfsStatus>> doList(const std::string& path) override;
  Result<size_t> doRead(const std::string& path, uint64_t offset, std::span<char> buf) override;
  Result<size_t> doReadIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                                 std::span<char> buf) override;
  Result<std::unique_ptr<UfsOutputStream>> doCreate(const std::string& path, const CreateOptions& opts) override;
  Status doMkdirs(const std::string& path, uint32_t mode) override;
  Status doRemove(const std::string& path, bool recursive) override;
  Status doRename(const std::string& src, const std::string& dst, bool replace) override;

 private:
  std::string key(const std::string& path) const;     // object key of a file
  std::string dirKey(const std::string& path) const;  // "prefix/dir/" ("" or "prefix/" for the root)
  std::string where(const std::string& path) const { return path == "/" ? uri() : uri() + path; }
  Result<S3ListPage> listPage(const std::string& prefix, bool delimited, const std::string& token, int max_keys);
  // Every object key under `prefix` (no delimiter), following continuations.
  Result<std::vector<std::string>> allKeys(const std::string& prefix);
  Result<UfsStatus> headFile(const std::string& path);
  Status removeKeys(const std::string& path, bool recursive);
  Status deleteKey(const std::string& key, const std::string& path);
  Status copyKey(const std::string& from, const std::string& to, const std::string& path);
  Result<size_t> get(const std::string& path, const uint64_t* size, const int64_t* mtime_ms, uint64_t offset,
                     std::span<char> buf);

  std::shared_ptr<S3Client> client_;
  std::string prefix_;  // "" or "a/b/"
  uint64_t part_size_;
};

Status registerS3Ufs(UfsRegistry& registry);

}  // namespace shoal::ufs
