#include "master/fs/ufs_manager.h"

namespace shoal::master {

Result<std::shared_ptr<ufs::Ufs>> UfsManager::get(const proto::MountInfo& mount) {
  {
    std::lock_guard lock(mu_);
    auto it = ufs_.find(mount.path());
    if (it != ufs_.end() && it->second.first == mount.mount_id()) return it->second.second;
  }
  // Opened outside the lock: connecting to a store can be slow and must not stall other mounts.
  std::map<std::string, std::string> options(mount.options().begin(), mount.options().end());
  auto created = registry_.create(mount.uri(), options);
  if (!created) {
    return makeError(Status(StatusCode::kUnavailable, created.error().message())
                         .withContext("mount " + mount.path()));
  }
  std::lock_guard lock(mu_);
  ufs_[mount.path()] = {mount.mount_id(), *created};
  return *created;
}

void UfsManager::put(const proto::MountInfo& mount, std::shared_ptr<ufs::Ufs> ufs) {
  std::lock_guard lock(mu_);
  ufs_[mount.path()] = {mount.mount_id(), std::move(ufs)};
}

void UfsManager::remove(const std::string& mount_path) {
  std::lock_guard lock(mu_);
  ufs_.erase(mount_path);
}

}  // namespace shoal::master
