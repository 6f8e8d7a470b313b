// Applying what a metadata sync read from the under-store. Only persisted inodes that are not mount
// points are ever changed or removed here: Shoal-side files still being written, and mounts, are
// never clobbered by a sync that raced with them.
#include "common/path.h"
#include "master/namespace/namespace.h"

namespace shoal::master {
namespace {

Inode attrsFrom(const proto::UfsEntry& u) {
  Inode a;
  a.flags = kInodeComplete | kInodePersisted | (u.is_dir() ? kInodeDir : 0);
  a.mode = u.mode() & 07777;
  a.owner = u.owner();
  a.group = u.group();
  a.size = u.is_dir() ? 0 : u.size();
  a.mtime_ms = u.mtime_ms();
  a.ctime_ms = u.mtime_ms();
  if (!u.is_dir() && !u.symlink_target().empty()) {
    a.type = InodeType::kSymlink;
    a.symlink_target = u.symlink_target();
    a.size = a.symlink_target.size();
  }
  return a;
}

bool syncable(const Inode& i) { return i.has(kInodePersisted) && !i.has(kInodeMountPoint); }

// Creates or updates child `u.name()` of `parent`. Returns its id.
Result<InodeId> upsert(Namespace& ns, InodeId parent, const proto::UfsEntry& u) {
  InodeStore& store = ns.store();
  auto existing = store.child(parent, u.name());
  Inode attrs = attrsFrom(u);
  if (existing) {
    Inode cur;
    store.get(*existing, &cur);
    if (!syncable(cur)) return *existing;
    if (cur.isDir() == u.is_dir() && cur.type == attrs.type && cur.symlink_target == attrs.symlink_target) {
      // Keep the loaded flag of directories; a file's new size/mtime is its new fingerprint.
      attrs.flags |= cur.flags & kInodeLoaded;
      attrs.flags |= cur.flags & kInodePinned;
      SHOAL_RETURN_IF_ERROR(store.setAttrs(*existing, attrs));
      return *existing;
    }
    // Type changed in the store (file replaced by a directory or a link, a link retargeted):
    // replace the inode.
    ns.removeSubtree(*existing);
  }
  return store.addChild(parent, u.name(), attrs);
}

}  // namespace

Status Namespace::applyUfsSync(const proto::UfsSyncEntry& e) {
  const std::string& path = e.path();
  auto current = lookup(path);
  if (!e.exists()) {
    if (current && syncable(*current) && !mounts_.hasMountBelow(path)) removeSubtree(current->id);
    return Status::ok();
  }
  InodeId target;
  if (path == "/" || (current && current->has(kInodeMountPoint))) {
    if (!current) return notFound(path);
    target = current->id;
  } else {
    auto parent = lookup(parentPath(path));
    if (!parent) return parent.error();  // parent vanished meanwhile; the next sync will retry
    if (!parent->isDir()) return Status(StatusCode::kNotADirectory, parentPath(path) + ": not a directory");
    proto::UfsEntry self = e.self();
    self.set_name(std::string(baseName(path)));
    auto id = upsert(*this, parent->id, self);
    if (!id) return id.error();
    target = *id;
  }
  Inode dir;
  store_->get(target, &dir);
  if (!dir.isDir()) return Status::ok();
  for (const auto& name : e.removed()) {
    auto child = store_->child(target, name);
    if (!child) continue;
    Inode c;
    store_->get(*child, &c);
    if (syncable(c) && !mounts_.hasMountBelow(joinPath(path, name))) removeSubtree(*child);
  }
  for (const auto& u : e.upserts()) {
    if (!validateName(u.name()).isOk()) continue;  // a store name Shoal cannot represent
    auto id = upsert(*this, target, u);
    if (!id) return id.error();
  }
  if (e.mark_loaded() && !(dir.flags & kInodeLoaded)) {
    dir.flags |= kInodeLoaded;
    SHOAL_RETURN_IF_ERROR(store_->setAttrs(target, dir));
  }
  return Status::ok();
}

}  // namespace shoal::master
