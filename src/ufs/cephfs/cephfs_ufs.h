// cephfs:// backend over libcephfs: cephfs://[fs_name]/dir, with the mount options ceph.conf,
// ceph.client.id, ceph.keyring and ceph.timeout. One libcephfs mount per instance (so per Shoal
// mount and process); reads are positional on their own descriptor. Thread-safe.
#pragma once

#include <memory>

#include "ufs/cephfs/ceph_connection.h"
#include "ufs/ufs.h"
#include "ufs/ufs_registry.h"

namespace shoal::ufs {

class CephUfs final : public Ufs {
 public:
  explicit CephUfs(std::shared_ptr<CephConnection> conn) : conn_(std::move(conn)) {}

  const std::string& uri() const override { return conn_->config().uri; }
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
  Status doSetModificationTime(const std::string& path, int64_t mtime_ms) override;
  Status doSymlink(const std::string& target, const std::string& path) override;
  Status doSetXattr(const std::string& path, const std::string& name, const std::string& value) override;
  Status doRemoveXattr(const std::string& path, const std::string& name) override;

 private:
  // Paths are relative to the mounted root; libcephfs takes them as given ("/" is that root).
  std::string where(const std::string& path) const { return path == "/" ? uri() : uri() + path; }
  // A libcephfs call's result as a Status naming the path (errno mapped).
  Result<int64_t> run(const std::string& op, const std::string& path, std::function<int64_t(ceph_mount_info*)> fn);
  Result<size_t> readVersioned(const std::string& path, const uint64_t* size, const int64_t* mtime_ms,
                               uint64_t offset, std::span<char> buf);
  Status removeTree(const std::string& path);
  std::shared_ptr<CephConnection> conn_;
};

Status registerCephUfs(UfsRegistry& registry);

}  // namespace shoal::ufs
