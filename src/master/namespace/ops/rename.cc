#include <fmt/format.h>

#include "common/path.h"
#include "master/namespace/namespace.h"

namespace shoal::master {

Result<Inode> Namespace::checkRename(const proto::RenameEntry& e) const {
  const std::string& src = e.src();
  const std::string& dst = e.dst();
  auto what = [&] { return fmt::format("rename {} to {}", src, dst); };
  if (src == "/" || dst == "/") return makeError(invalidArgument(what() + ": cannot rename the root directory"));
  auto inode = lookup(src);
  if (!inode) return makeError(inode.error());
  if (src == dst) {
    // rename(2) of a name onto itself succeeds and does nothing; Shoal's plain rename refuses it.
    if (e.replace()) return inode;
    return makeError(alreadyExists(dst).withContext(what()));
  }
  if (isSameOrUnder(dst, src)) {
    return makeError(invalidArgument(what() + ": cannot move a directory into its own subtree"));
  }
  Status st = checkNoMountAt(src, "rename");
  if (!st) return makeError(st);
  std::string dst_parent_path = parentPath(dst);
  auto dst_parent = lookup(dst_parent_path);
  if (!dst_parent) return makeError(dst_parent.error().withContext(what()));
  if (!dst_parent->isDir()) {
    return makeError(Status(StatusCode::kNotADirectory, what() + ": " + dst_parent_path + ": not a directory"));
  }
  if (auto existing_id = store_->child(dst_parent->id, baseName(dst))) {
    if (!e.replace()) return makeError(alreadyExists(dst).withContext(what()));
    Inode existing_inode;
    store_->get(*existing_id, &existing_inode);
    const Inode* existing = &existing_inode;
    // POSIX's rules for the destination of rename(2).
    if (existing->isDir() && !inode->isDir()) {
      return makeError(Status(StatusCode::kIsADirectory, what() + ": " + dst + " is a directory"));
    }
    if (!existing->isDir() && inode->isDir()) {
      return makeError(Status(StatusCode::kNotADirectory, what() + ": " + dst + " is not a directory"));
    }
    if (existing->isDir() && store_->hasChildren(existing->id)) {
      return makeError(Status(StatusCode::kDirectoryNotEmpty, what() + ": " + dst + ": directory not empty"));
    }
    if (Status at = checkNoMountAt(dst, "rename over"); !at) return makeError(at);
  }
  if (mounts_.resolve(src) != mounts_.resolve(dst_parent_path)) {
    return makeError(invalidArgument(what() + ": source and destination are in different mounts"));
  }
  return inode;
}

Status Namespace::rename(const proto::RenameEntry& e) {
  auto inode = checkRename(e);
  if (!inode) return inode.error();
  if (e.src() == e.dst()) return Status::ok();
  InodeId dst_parent = *lookup(parentPath(e.dst())).map([](const Inode& i) { return i.id; });
  // The replaced destination goes in the same journal entry as the move: no reader ever sees the
  // name missing, and a crash leaves either the old file or the new one.
  // The move cannot then fail for room: the removal freed a name of the same length.
  if (auto existing = store_->child(dst_parent, baseName(e.dst()))) {
    if (e.keep_xattrs()) {
      XattrMap attrs;
      store_->xattrs(*existing, &attrs);
      store_->setXattrs(inode->id, std::move(attrs));
    }
    removeSubtree(*existing);
  }
  SHOAL_RETURN_IF_ERROR(store_->move(inode->id, dst_parent, baseName(e.dst())).withContext(
      fmt::format("rename {} to {}", e.src(), e.dst())));
  touchDir(inode->parent, e.mtime_ms());
  touchDir(dst_parent, e.mtime_ms());
  // As Linux file systems do: the moved inode's ctime is the rename's time, its mtime stays.
  if (e.mtime_ms() != 0) inode->ctime_ms = e.mtime_ms();
  if (e.has_file_mtime_ms()) inode->mtime_ms = e.file_mtime_ms();
  if (e.mtime_ms() == 0 && !e.has_file_mtime_ms()) return Status::ok();
  return store_->setAttrs(inode->id, *inode);
}

}  // namespace shoal::master
