#include "master/namespace/namespace.h"

#include <fmt/format.h>

#include "common/path.h"

namespace shoal::master {

Namespace::Namespace(std::unique_ptr<InodeStore> store) : store_(std::move(store)) {}

Result<Namespace::Walk> Namespace::walk(const std::string& path) const {
  Walk w{store_->rootId(), 0};
  auto comps = pathComponents(path);
  std::string prefix;
  Inode cur;
  for (size_t i = 0; i < comps.size(); ++i) {
    if (i > 0) {
      store_->get(w.deepest, &cur);
      if (!cur.isDir()) return makeError(Status(StatusCode::kNotADirectory, prefix + ": not a directory"));
    }
    auto child = store_->child(w.deepest, comps[i]);
    if (!child) return w;
    w.deepest = *child;
    w.found = i + 1;
    prefix += "/";
    prefix += comps[i];
  }
  return w;
}

Result<Inode> Namespace::lookup(const std::string& path) const {
  auto w = walk(path);
  if (!w) return makeError(w.error());
  if (w->found != pathComponents(path).size()) return makeError(notFound(path));
  Inode inode;
  store_->get(w->deepest, &inode);
  return inode;
}

void Namespace::touchDir(InodeId dir, int64_t ms) {
  Inode d;
  if (ms == 0 || !store_->get(dir, &d)) return;
  d.mtime_ms = ms;
  d.ctime_ms = ms;
  (void)store_->setAttrs(dir, d);  // cannot fail: owner and group are interned already
}

void Namespace::removeSubtree(InodeId id) {
  std::vector<InodeId> children;
  store_->childIds(id, &children);
  for (InodeId c : children) removeSubtree(c);
  pinned_.erase(id);
  store_->removeLeaf(id);
}

void Namespace::rebuildPinned() {
  pinned_.clear();
  std::vector<InodeId> todo{store_->rootId()};
  std::vector<InodeId> kids;
  while (!todo.empty()) {
    InodeId id = todo.back();
    todo.pop_back();
    Inode inode;
    if (!store_->get(id, &inode)) continue;
    if (inode.has(kInodePinned) && !inode.isDir()) pinned_.insert(id);
    if (!inode.isDir()) continue;
    kids.clear();
    store_->childIds(id, &kids);
    todo.insert(todo.end(), kids.begin(), kids.end());
  }
}

Status Namespace::checkNoMountAt(const std::string& path, const char* op) const {
  if (mounts_.find(path) != nullptr) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("{} {}: is a mount point (unmount it first)", op, path));
  }
  if (mounts_.hasMountBelow(path)) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("{} {}: contains a mount point (unmount it first)", op, path));
  }
  return Status::ok();
}

}  // namespace shoal::master
