// mkdir and createFile: both create the missing tail of a path, so they share one walker.
#include <fmt/format.h>

#include "common/path.h"
#include "master/namespace/namespace.h"

namespace shoal::master {
namespace {

struct CreateSpec {
  bool recursive;
  uint32_t mode;
  std::string owner;
  std::string group;
  int64_t mtime_ms;
  bool persisted;
};

Inode dirAttrs(const CreateSpec& s) {
  Inode a;
  // A directory just created is empty in the store too, so its children are fully known.
  a.flags = kInodeDir | kInodeComplete | kInodeLoaded | (s.persisted ? kInodePersisted : 0);
  a.mode = s.mode;
  a.owner = s.owner;
  a.group = s.group;
  a.mtime_ms = s.mtime_ms;
  a.ctime_ms = s.mtime_ms;
  return a;
}

// Creates missing parents of `path` (all but its last component) and returns the parent's id.
Result<InodeId> ensureParent(Namespace& ns, const std::string& path, const CreateSpec& spec) {
  auto comps = pathComponents(path);
  auto w = ns.walk(path);
  if (!w) return makeError(w.error());
  if (w->found == comps.size()) return makeError(alreadyExists(path));
  size_t missing_parents = comps.size() - 1 - w->found;
  Inode deepest;
  ns.store().get(w->deepest, &deepest);
  if (!deepest.isDir()) {
    std::string prefix = "/" + fmt::format("{}", fmt::join(comps.begin(), comps.begin() + static_cast<long>(w->found), "/"));
    return makeError(Status(StatusCode::kNotADirectory, prefix + ": not a directory"));
  }
  if (missing_parents > 0 && !spec.recursive) return makeError(notFound(parentPath(path)));
  InodeId cur = w->deepest;
  Inode attrs = dirAttrs(spec);
  attrs.mode = 0755;
  for (size_t i = w->found; i + 1 < comps.size(); ++i) {
    auto id = ns.store().addChild(cur, comps[i], attrs);
    if (!id) return makeError(id.error());
    cur = *id;
  }
  return cur;
}

}  // namespace

Result<Inode> Namespace::mkdir(const proto::MkdirEntry& e) {
  if (e.path() == "/") {
    if (e.allow_exists()) return lookup("/");
    return makeError(alreadyExists("/"));
  }
  if (auto existing = lookup(e.path())) {
    if (e.allow_exists() && existing->isDir()) return existing;
    return makeError(alreadyExists(e.path()));
  }
  CreateSpec spec{e.recursive(), e.mode(), e.owner(), e.group(), e.mtime_ms(), e.persisted()};
  auto parent = ensureParent(*this, e.path(), spec);
  if (!parent) return makeError(parent.error());
  auto id = store_->addChild(*parent, baseName(e.path()), dirAttrs(spec));
  if (!id) return makeError(id.error());
  touchDir(*parent, e.mtime_ms());
  Inode out;
  store_->get(*id, &out);
  return out;
}

Result<Inode> Namespace::createFile(const proto::CreateFileEntry& e) {
  if (e.path() == "/") return makeError(alreadyExists("/"));
  if (e.type() == proto::FILE_TYPE_DIRECTORY || !proto::FileType_IsValid(e.type())) {
    return makeError(invalidArgument(e.path() + ": not a file type createFile makes"));
  }
  if ((e.type() == proto::FILE_TYPE_SYMLINK) != !e.symlink_target().empty()) {
    return makeError(invalidArgument(e.path() + ": a symbolic link needs a target, and only a link has one"));
  }
  CreateSpec spec{e.recursive(), e.mode(), e.owner(), e.group(), e.mtime_ms(), e.persisted()};
  auto parent = ensureParent(*this, e.path(), spec);
  if (!parent) return makeError(parent.error());
  Inode attrs;
  attrs.type = static_cast<InodeType>(e.type());
  // A special file has no data to write: it is complete the moment it exists.
  bool complete = e.complete() || attrs.isSpecial();
  attrs.flags = (complete ? kInodeComplete : 0) | (e.persisted() ? kInodePersisted : 0);
  attrs.mode = e.mode();
  attrs.owner = e.owner();
  attrs.group = e.group();
  attrs.mtime_ms = e.mtime_ms();
  attrs.ctime_ms = e.mtime_ms();
  attrs.symlink_target = e.symlink_target();
  attrs.rdev = e.rdev();
  if (attrs.type == InodeType::kSymlink) attrs.size = attrs.symlink_target.size();  // as lstat(2) says
  auto id = store_->addChild(*parent, baseName(e.path()), attrs);
  if (!id) return makeError(id.error());
  touchDir(*parent, e.mtime_ms());
  Inode out;
  store_->get(*id, &out);
  return out;
}

Result<Inode> Namespace::completeFile(const proto::CompleteFileEntry& e) {
  auto inode = lookup(e.path());
  if (!inode) return makeError(inode.error());
  if (inode->isDir()) return makeError(Status(StatusCode::kIsADirectory, e.path() + ": is a directory"));
  if (inode->isSpecial()) return makeError(invalidArgument(e.path() + ": not a regular file"));
  if (e.file_id() != 0 && inode->id != e.file_id()) {
    return makeError(Status(StatusCode::kFailedPrecondition,
                            e.path() + ": the file was replaced while being written (its write lease expired)"));
  }
  if (inode->has(kInodeComplete)) {
    return makeError(Status(StatusCode::kFailedPrecondition, e.path() + ": file is already complete"));
  }
  inode->size = e.length();
  inode->mtime_ms = e.mtime_ms();
  inode->ctime_ms = e.mtime_ms();
  inode->flags |= kInodeComplete | (e.persisted() ? kInodePersisted : 0);
  SHOAL_RETURN_IF_ERROR(store_->setAttrs(inode->id, *inode).withContext(e.path()));
  return inode;
}

}  // namespace shoal::master
