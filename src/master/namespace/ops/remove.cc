#include <fmt/format.h>

#include "master/namespace/namespace.h"

namespace shoal::master {

Result<Inode> Namespace::checkRemove(const proto::DeleteEntry& e) const {
  if (e.path() == "/") return makeError(invalidArgument("delete /: cannot delete the root directory"));
  auto inode = lookup(e.path());
  if (!inode) return makeError(inode.error());
  if (e.file_id() != 0 && inode->id != e.file_id()) {
    return makeError(Status(StatusCode::kFailedPrecondition,
                            fmt::format("delete {}: the path is now another file (id {}, not {}); left alone",
                                        e.path(), inode->id, e.file_id())));
  }
  Status st = checkNoMountAt(e.path(), "delete");
  if (!st) return makeError(st);
  if (inode->isDir() && !e.recursive() && store_->hasChildren(inode->id)) {
    return makeError(Status(StatusCode::kDirectoryNotEmpty, e.path() + ": directory not empty"));
  }
  return inode;
}

Status Namespace::remove(const proto::DeleteEntry& e) {
  auto inode = checkRemove(e);
  if (!inode) return inode.error();
  removeSubtree(inode->id);
  touchDir(inode->parent, e.mtime_ms());
  return Status::ok();
}

}  // namespace shoal::master
