// Live under-store connections, one per mount point. Connections are opened at mount time, or
// lazily after a restart; a store that cannot be reached leaves the mount in place and every
// access to it fails with the store's error until it can. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "journal.pb.h"
#include "ufs/ufs_registry.h"

namespace shoal::master {

class UfsManager {
 public:
  explicit UfsManager(const ufs::UfsRegistry& registry) : registry_(registry) {}

  Result<std::shared_ptr<ufs::Ufs>> get(const proto::MountInfo& mount);
  void put(const proto::MountInfo& mount, std::shared_ptr<ufs::Ufs> ufs);
  void remove(const std::string& mount_path);
  const ufs::UfsRegistry& registry() const { return registry_; }

 private:
  const ufs::UfsRegistry& registry_;
  std::mutex mu_;
  std::map<std::string, std::pair<uint64_t, std::shared_ptr<ufs::Ufs>>> ufs_;  // guarded by mu_
};

}  // namespace shoal::master
