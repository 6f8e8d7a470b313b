#include <fmt/format.h>

#include "common/path.h"
#include "master/namespace/namespace.h"

namespace shoal::master {

Status Namespace::mount(const proto::MountEntry& e, uint64_t mount_id) {
  const std::string& path = e.info().path();
  auto what = [&] { return fmt::format("mount {}", path); };
  proto::MountInfo info = e.info();
  info.set_mount_id(mount_id);
  if (path == "/") {
    if (mounts_.find("/") != nullptr) return Status(StatusCode::kAlreadyExists, what() + ": / is already mounted");
    if (store_->hasChildren(store_->rootId())) {
      return Status(StatusCode::kFailedPrecondition, what() + ": / is not empty");
    }
    Inode root;
    store_->get(store_->rootId(), &root);
    root.flags = kInodeDir | kInodeComplete | kInodePersisted | kInodeMountPoint;
    root.mtime_ms = e.mtime_ms();
    SHOAL_RETURN_IF_ERROR(store_->setAttrs(root.id, root));
    mounts_.add(info);
    return Status::ok();
  }
  if (lookup(path)) return Status(StatusCode::kAlreadyExists, what() + ": the path already exists");
  std::string parent_path = parentPath(path);
  auto parent = lookup(parent_path);
  if (!parent) return parent.error().withContext(what());
  if (!parent->isDir()) return Status(StatusCode::kNotADirectory, what() + ": " + parent_path + ": not a directory");
  const proto::MountInfo* enclosing = mounts_.resolve(parent_path);
  if (enclosing != nullptr && enclosing->path() != "/") {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("{}: it is inside the mount point {} (mounts nest only under /)", what(), enclosing->path()));
  }
  Inode attrs;
  attrs.flags = kInodeDir | kInodeComplete | kInodePersisted | kInodeMountPoint;
  attrs.mode = 0755;
  attrs.owner = e.owner();
  attrs.group = e.group();
  attrs.mtime_ms = e.mtime_ms();
  auto id = store_->addChild(parent->id, baseName(path), attrs);
  if (!id) return id.error();
  mounts_.add(info);
  return Status::ok();
}

Status Namespace::unmount(const proto::UnmountEntry& e) {
  const std::string& path = e.path();
  if (mounts_.find(path) == nullptr) {
    return Status(StatusCode::kInvalidArgument, fmt::format("unmount {}: not a mount point", path));
  }
  if (path == "/") return invalidArgument("unmount /: the root mount cannot be unmounted");
  if (mounts_.hasMountBelow(path)) {
    return Status(StatusCode::kFailedPrecondition, fmt::format("unmount {}: contains other mount points", path));
  }
  auto inode = lookup(path);
  if (inode) removeSubtree(inode->id);
  mounts_.remove(path);
  return Status::ok();
}

Status Namespace::updateMount(const proto::UpdateMountEntry& e, uint64_t mount_id) {
  const proto::MountInfo* now = mounts_.find(e.info().path());
  if (now == nullptr || now->uri() != e.info().uri()) {
    // The leader computed the update from a table that has changed since (an unmount or remount
    // in between): applying it would put old options on a different store.
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("update mount {}: it is no longer the mount of {} (changed meanwhile; try again)",
                              e.info().path(), e.info().uri()));
  }
  proto::MountInfo info = e.info();
  info.set_mount_id(mount_id);
  mounts_.add(info);
  return Status::ok();
}

}  // namespace shoal::master
