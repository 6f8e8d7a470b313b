// The mount table: Shoal path -> under-store URI. Part of the journaled state (changed only by
// apply()); no live store connections here (see master/fs/ufs_manager.h). Not thread-safe: guarded
// by the state machine's lock.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common.pb.h"

namespace shoal::master {

class MountTable {
 public:
  const proto::MountInfo* find(const std::string& path) const;
  // The deepest mount point containing `path`, or nullptr when the path is Shoal-only.
  const proto::MountInfo* resolve(const std::string& path) const;
  // Mount points strictly below `path`.
  bool hasMountBelow(const std::string& path) const;
  // The under-store path within the mount: "/data/x" for "/m/data/x" with the mount at "/m".
  static std::string ufsPath(const proto::MountInfo& mount, const std::string& path);
  // The full URI of `path` ("" when Shoal-only).
  std::string ufsUri(const std::string& path) const;

  void add(const proto::MountInfo& info) { mounts_[info.path()] = info; }
  void remove(const std::string& path) { mounts_.erase(path); }
  std::vector<proto::MountInfo> all() const;
  void clear() { mounts_.clear(); }
  // Grows with every mount and unmount; set by the state machine from its journaled counter, so it
  // is the same on every replica and never goes back after a restart.
  uint64_t version() const { return version_; }
  void setVersion(uint64_t v) { version_ = v; }

 private:
  std::map<std::string, proto::MountInfo> mounts_;
  uint64_t version_ = 0;
};

}  // namespace shoal::master
