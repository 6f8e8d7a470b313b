#include "master/namespace/namespace.h"

namespace shoal::master {

Status Namespace::setAttribute(const proto::SetAttributeEntry& e) {
  auto inode = lookup(e.path());
  if (!inode) return inode.error();
  if (e.has_mode()) {
    if (e.mode() > 07777) return invalidArgument(e.path() + ": mode must be at most 07777");
    inode->mode = e.mode();
  }
  if (e.has_owner()) inode->owner = e.owner();
  if (e.has_group()) inode->group = e.group();
  if (e.has_mtime_ms()) inode->mtime_ms = e.mtime_ms();
  if (e.has_atime_ms()) inode->atime_ms = e.atime_ms();
  if (e.change_ms() != 0) inode->ctime_ms = e.change_ms();
  if (e.has_pinned()) {
    inode->flags = e.pinned() ? (inode->flags | kInodePinned) : (inode->flags & ~kInodePinned);
  }
  SHOAL_RETURN_IF_ERROR(store_->setAttrs(inode->id, *inode).withContext(e.path()));
  if (e.has_pinned() && !inode->isDir()) {
    if (e.pinned()) pinned_.insert(inode->id);
    else pinned_.erase(inode->id);
  }
  return Status::ok();
}

}  // namespace shoal::master
