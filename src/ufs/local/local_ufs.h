// file:// backend: a directory of the local (or NFS-mounted) file system. Thread-safe: every call
// opens its own descriptors, reads are positional.
#pragma once

#include "ufs/ufs.h"
#include "ufs/ufs_registry.h"

namespace shoal::ufs {

class LocalUfs final : public Ufs {
 public:
  LocalUfs(std::string uri, std::string root) : uri_(std::move(uri)), root_(std::move(root)) {}

  const std::string& uri() const override { return uri_; }
  Result<UfsStatus> getStatus(const std::string& path) override;
  Result<std::vector<UfsStatus>> list(const std::string& path) override;
  Result<size_t> read(const std::string& path, uint64_t offset, std::span<char> buf) override;
  Result<std::unique_ptr<UfsOutputStream>> create(const std::string& path, const CreateOptions& opts) override;
  Status mkdirs(const std::string& path, uint32_t mode) override;
  Status remove(const std::string& path, bool recursive) override;
  Status rename(const std::string& src, const std::string& dst) override;

 private:
  std::string full(const std::string& path) const {
    if (path == "/") return root_.empty() ? std::string("/") : root_;
    return root_ + path;
  }
  // How a path is named in messages: the full URI.
  std::string where(const std::string& path) const { return path == "/" ? uri_ : uri_ + path; }
  std::string uri_;
  std::string root_;
};

Status registerLocalUfs(UfsRegistry& registry);

}  // namespace shoal::ufs
