#include <algorithm>

#include "common/path.h"
#include "master/fs/file_system_master.h"

namespace shoal::master {

Result<proto::FileInfo> FileSystemMaster::getStatus(const std::string& raw, std::optional<int64_t> sync_ms) {
  auto path = normalizePath(raw);
  if (!path) return makeError(path.error());
  SHOAL_RETURN_IF_ERROR(syncForRead(*path, intervalOr(*path, sync_ms), /*list=*/false));
  return sm_.read([&](const Namespace& ns) -> Result<proto::FileInfo> {
    auto inode = ns.lookup(*path);
    if (!inode) return makeError(inode.error());
    // Close-to-open: a file being written is invisible until its writer closes it.
    if (!inode->isDir() && !inode->has(kInodeComplete)) return makeError(notFound(*path));
    proto::FileInfo info = toFileInfo(*inode, *path);
    info.set_ufs_uri(ns.mounts().ufsUri(*path));
    info.set_mount_table_version(ns.mounts().version());
    return info;
  });
}

Result<XattrMap> FileSystemMaster::getXattrs(const std::string& raw) {
  auto path = normalizePath(raw);
  if (!path) return makeError(path.error());
  SHOAL_RETURN_IF_ERROR(syncForRead(*path, intervalOr(*path, std::nullopt), /*list=*/false));
  return sm_.read([&](const Namespace& ns) -> Result<XattrMap> {
    auto inode = ns.lookup(*path);
    if (!inode) return makeError(inode.error());
    XattrMap out;
    ns.store().xattrs(inode->id, &out);
    return out;
  });
}

Result<ListResult> FileSystemMaster::listStatus(const std::string& raw, const std::string& start_after, uint32_t limit,
                                                std::optional<int64_t> sync_ms, bool continued) {
  auto path = normalizePath(raw);
  if (!path) return makeError(path.error());
  // Only the first page syncs, so a paged listing reads one consistent store listing.
  if (!continued) SHOAL_RETURN_IF_ERROR(syncForRead(*path, intervalOr(*path, sync_ms), /*list=*/true));
  size_t max_page = static_cast<size_t>(conf_.getInt(keys::kMasterListMaxPage));
  size_t page = limit == 0 ? max_page : std::min<size_t>(limit, max_page);
  return sm_.read([&](const Namespace& ns) -> Result<ListResult> {
    auto inode = ns.lookup(*path);
    if (!inode) return makeError(inode.error());
    ListResult out;
    if (!inode->isDir() && !inode->has(kInodeComplete)) return makeError(notFound(*path));
    if (!inode->isDir()) {
      // Like ls: listing a file shows the file.
      out.entries.push_back(toFileInfo(*inode, *path));
      out.entries.back().set_mount_table_version(ns.mounts().version());
      return out;
    }
    std::vector<Inode> children;
    ns.store().listChildren(inode->id, start_after, page, &children, &out.has_more);
    out.entries.reserve(children.size());
    for (const auto& c : children) {
      if (c.isDir() || c.has(kInodeComplete)) {
        out.entries.push_back(toFileInfo(c, joinPath(*path, c.name)));
        out.entries.back().set_mount_table_version(ns.mounts().version());
      }
    }
    return out;
  });
}

std::vector<proto::MountInfo> FileSystemMaster::mountTable(uint64_t* version) const {
  return sm_.read([&](const Namespace& ns) {
    if (version) *version = ns.mounts().version();
    return ns.mounts().all();
  });
}

uint64_t FileSystemMaster::mountTableVersion() const {
  return sm_.read([](const Namespace& ns) { return ns.mounts().version(); });
}

uint64_t FileSystemMaster::inodeCount() const {
  return sm_.read([](const Namespace& ns) { return ns.store().inodeCount(); });
}

}  // namespace shoal::master
