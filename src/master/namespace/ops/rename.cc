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
  if (src == dst) return makeError(alreadyExists(dst).withContext(what()));
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
  if (store_->child(dst_parent->id, baseName(dst))) return makeError(alreadyExists(dst).withContext(what()));
  if (mounts_.resolve(src) != mounts_.resolve(dst_parent_path)) {
    return makeError(invalidArgument(what() + ": source and destination are in different mounts"));
  }
  return inode;
}

Status Namespace::rename(const proto::RenameEntry& e) {
  auto inode = checkRename(e);
  if (!inode) return inode.error();
  InodeId dst_parent = *lookup(parentPath(e.dst())).map([](const Inode& i) { return i.id; });
  SHOAL_RETURN_IF_ERROR(store_->move(inode->id, dst_parent, baseName(e.dst())).withContext(
      fmt::format("rename {} to {}", e.src(), e.dst())));
  if (!e.has_file_mtime_ms()) return Status::ok();
  inode->mtime_ms = e.file_mtime_ms();
  return store_->setAttrs(inode->id, *inode);
}

}  // namespace shoal::master
