// file:// backend: a directory of the local (or NFS-mounted) file system. Every path is resolved
// beneath a descriptor of the root with openat2(RESOLVE_BENEATH), so neither ".." nor a symbolic
// link in the store (absolute, or climbing out) ever reaches a file outside the root; such a link
// is PermissionDenied. Thread-safe: every call opens its own descriptors, reads are positional.
#pragma once

#include <functional>

#include "ufs/ufs.h"
#include "ufs/ufs_registry.h"

namespace shoal::ufs {

class LocalUfs final : public Ufs {
 public:
  // `root` is an absolute local path ("" for "/"). A root that cannot be opened makes every call
  // fail with the reason.
  LocalUfs(std::string uri, std::string root);
  ~LocalUfs() override;
  LocalUfs(const LocalUfs&) = delete;
  LocalUfs& operator=(const LocalUfs&) = delete;

  const std::string& uri() const override { return uri_; }
 protected:
  Result<UfsStatus> doGetStatus(const std::string& path) override;
  Result<std::vector<UfsStatus>> doList(const std::string& path) override;
  Result<size_t> doRead(const std::string& path, uint64_t offset, std::span<char> buf) override;
  Result<std::unique_ptr<UfsOutputStream>> doCreate(const std::string& path, const CreateOptions& opts) override;
  Status doMkdirs(const std::string& path, uint32_t mode) override;
  Status doRemove(const std::string& path, bool recursive) override;
  Status doRename(const std::string& src, const std::string& dst, bool replace) override;
  // copy_file_range(2) into a new file renamed over `dst`: the kernel copies (or, on XFS and
  // btrfs, shares) the extents; no byte passes through user space.
  Status doConcat(const std::vector<std::string>& srcs, const std::string& dst) override;
  Status doSetModificationTime(const std::string& path, int64_t mtime_ms) override;
  Status doSymlink(const std::string& target, const std::string& path) override;
  Status doSetXattr(const std::string& path, const std::string& name, const std::string& value) override;
  Status doRemoveXattr(const std::string& path, const std::string& name) override;

 private:
  // A descriptor of `path` (normal, within the root) opened beneath the root; the caller closes it.
  Result<int> openBeneath(const std::string& path, int flags, mode_t mode = 0) const;
  // The parent directory of `path` (an O_PATH descriptor, beneath the root) and the last name.
  Result<std::pair<int, std::string>> openParent(const std::string& path) const;
  // The xattr calls: `call` on the /proc name of `path` itself (never a link's target).
  Status onFileItself(const std::string& path, const std::string& op, const std::string& name,
                      const std::function<int(const char*)>& call) const;
  // How a path is named in messages: the full URI.
  std::string where(const std::string& path) const { return path == "/" ? uri_ : uri_ + path; }
  std::string uri_;
  std::string root_;
  int root_fd_ = -1;
  Status root_error_;
};

Status registerLocalUfs(UfsRegistry& registry);

}  // namespace shoal::ufs
