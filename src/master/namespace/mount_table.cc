#include "master/namespace/mount_table.h"

#include "common/path.h"

namespace shoal::master {

const proto::MountInfo* MountTable::find(const std::string& path) const {
  auto it = mounts_.find(path);
  return it == mounts_.end() ? nullptr : &it->second;
}

const proto::MountInfo* MountTable::resolve(const std::string& path) const {
  const proto::MountInfo* best = nullptr;
  for (const auto& [mp, info] : mounts_) {
    if (isSameOrUnder(path, mp) && (best == nullptr || mp.size() > best->path().size())) best = &info;
  }
  return best;
}

bool MountTable::hasMountBelow(const std::string& path) const {
  for (const auto& [mp, info] : mounts_) {
    if (mp != path && isSameOrUnder(mp, path)) return true;
  }
  return false;
}

std::string MountTable::ufsPath(const proto::MountInfo& mount, const std::string& path) {
  return relativeTo(path, mount.path());
}

std::string MountTable::ufsUri(const std::string& path) const {
  const proto::MountInfo* m = resolve(path);
  if (m == nullptr) return "";
  std::string rel = ufsPath(*m, path);
  std::string uri = m->uri();
  if (rel == "/") return uri;
  if (!uri.empty() && uri.back() == '/') uri.pop_back();
  return uri + rel;
}

std::vector<proto::MountInfo> MountTable::all() const {
  std::vector<proto::MountInfo> out;
  for (const auto& [_, info] : mounts_) out.push_back(info);
  return out;
}

}  // namespace shoal::master
