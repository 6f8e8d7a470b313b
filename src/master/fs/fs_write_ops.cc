// Mutations of files and directories. Each one checks first (so a request that will fail never
// touches the store), then does the store side in a mount, then journals the change. If the store
// step succeeds and the master dies before journaling, the next metadata sync picks it up.
#include <fmt/format.h>

#include "common/logging.h"
#include "common/path.h"
#include "master/fs/file_system_master.h"

namespace shoal::master {
namespace {

Status readOnly(const char* op, const std::string& path, const std::string& mount) {
  return Status(StatusCode::kReadOnly, fmt::format("{} {}: the mount at {} is read-only", op, path, mount));
}

}  // namespace

Status FileSystemMaster::checkCreate(const std::string& path, bool recursive) const {
  return sm_.read([&](const Namespace& ns) -> Status {
    if (auto existing = ns.lookup(path)) {
      if (!existing->isDir() && !existing->has(kInodeComplete)) {
        return alreadyExists(path).withContext("being written by another client; retry when it closes");
      }
      return alreadyExists(path);
    }
    auto w = ns.walk(path);
    if (!w) return w.error();
    if (!recursive && w->found + 1 < pathComponents(path).size()) return notFound(parentPath(path));
    Inode deepest;
    ns.store().get(w->deepest, &deepest);
    if (!deepest.isDir()) return Status(StatusCode::kNotADirectory, fmt::format("create {}: a parent is a file", path));
    return Status::ok();
  });
}

Result<proto::FileInfo> FileSystemMaster::createDirectory(const CallerIdentity& who, const std::string& raw,
                                                          bool recursive, std::optional<uint32_t> mode) {
  auto path = normalizePath(raw);
  if (!path) return makeError(path.error());
  if (mode && *mode > 07777) return makeError(invalidArgument(fmt::format("mkdir {}: mode {:o} is not a permission mode", *path, *mode)));
  if (auto earlier = earlierAttempt()) return earlierInfo(*earlier, *path);
  SHOAL_RETURN_IF_ERROR(loadAncestors(*path));
  // Check before the store is touched.
  auto pre = sm_.read([&](const Namespace& ns) -> Result<std::optional<proto::FileInfo>> {
    auto existing = ns.lookup(*path);
    if (existing) {
      if (recursive && existing->isDir()) return std::optional<proto::FileInfo>(toFileInfo(*existing, *path));
      return makeError(alreadyExists(*path));
    }
    auto w = ns.walk(*path);
    if (!w) return makeError(w.error());
    if (!recursive && w->found + 1 < pathComponents(*path).size()) return makeError(notFound(parentPath(*path)));
    Inode deepest;
    ns.store().get(w->deepest, &deepest);
    if (!deepest.isDir()) return makeError(Status(StatusCode::kNotADirectory, fmt::format("mkdir {}: a parent is a file", *path)));
    return std::optional<proto::FileInfo>();
  });
  if (!pre) return makeError(pre.error());
  if (*pre) return **pre;
  auto mount = mountFor(*path);
  if (!mount) return makeError(mount.error());
  if (*mount) {
    if ((*mount)->info.readonly()) return makeError(readOnly("mkdir", *path, (*mount)->info.path()));
    Status st = (*mount)->ufs->mkdirs((*mount)->ufs_path, mode.value_or(0755));
    if (!st) return makeError(st.withContext("mkdir " + *path));
  }
  proto::JournalEntry je;
  auto* e = je.mutable_mkdir();
  e->set_path(*path);
  e->set_recursive(recursive);
  e->set_allow_exists(recursive);
  e->set_mode(mode.value_or(0755));
  e->set_owner(who.user);
  e->set_group(who.group);
  e->set_mtime_ms(nowMs());
  e->set_persisted(mount->has_value());
  ApplyResult r = submitCall(std::move(je));
  if (!r.status) return makeError(r.status);
  return toFileInfo(*r.inode, *path);
}

Result<proto::FileInfo> FileSystemMaster::createFile(const CallerIdentity& who, const std::string& raw, bool recursive,
                                                     std::optional<uint32_t> mode, proto::WriteType write_type,
                                                     bool complete) {
  auto path = normalizePath(raw);
  if (!path) return makeError(path.error());
  if (mode && *mode > 07777) return makeError(invalidArgument(fmt::format("create {}: mode {:o} is not a permission mode", *path, *mode)));
  if (*path == "/") return makeError(Status(StatusCode::kIsADirectory, "/: is a directory"));
  if (auto earlier = earlierAttempt()) return earlierInfo(*earlier, *path);
  SHOAL_RETURN_IF_ERROR(loadAncestors(*path));
  SHOAL_RETURN_IF_ERROR(replaceAbandonedWrite(*path));
  Status pre = checkCreate(*path, recursive);
  if (!pre) return makeError(pre);
  auto mount = mountFor(*path);
  if (!mount) return makeError(mount.error());
  bool persist = false;
  if (*mount) {
    if ((*mount)->info.readonly()) return makeError(readOnly("create", *path, (*mount)->info.path()));
    // An empty file created complete (`touch`) is written to the store now unless the caller asked
    // to keep it in Shoal only; data files are persisted by their writer, then CompleteFile.
    if (complete && write_type != proto::MUST_CACHE) {
      const std::string& rel = (*mount)->ufs_path;
      if (recursive) {
        Status st = (*mount)->ufs->mkdirs(parentPath(rel), 0755);
        if (!st) return makeError(st.withContext("create " + *path));
      }
      auto out = (*mount)->ufs->create(rel, ufs::CreateOptions{mode.value_or(0644), false});
      if (!out) return makeError(out.error().withContext("create " + *path));
      Status st = (*out)->close();
      if (!st) return makeError(st.withContext("create " + *path));
      persist = true;
    }
  }
  proto::JournalEntry je;
  auto* e = je.mutable_create_file();
  e->set_path(*path);
  e->set_recursive(recursive);
  e->set_mode(mode.value_or(0644));
  e->set_owner(who.user);
  e->set_group(who.group);
  e->set_mtime_ms(nowMs());
  e->set_persisted(persist);
  e->set_complete(complete);
  ApplyResult r = submitCall(std::move(je));
  if (!r.status) return makeError(r.status);
  return toFileInfo(*r.inode, *path);
}
Result<proto::FileInfo> FileSystemMaster::createSpecial(const CallerIdentity& who, const std::string& raw,
                                                        uint32_t mode, proto::FileType type,
                                                        const std::string& symlink_target, uint64_t rdev) {
  auto path = normalizePath(raw);
  if (!path) return makeError(path.error());
  if (*path == "/") return makeError(alreadyExists("/"));
  if (mode > 07777) return makeError(invalidArgument(fmt::format("mknod {}: mode {:o} is not a permission mode", *path, mode)));
  if (type == proto::FILE_TYPE_REGULAR || type == proto::FILE_TYPE_DIRECTORY || !proto::FileType_IsValid(type)) {
    return makeError(invalidArgument(fmt::format("mknod {}: file type {} is not a special file", *path, static_cast<int>(type))));
  }
  const bool link = type == proto::FILE_TYPE_SYMLINK;
  if (link) SHOAL_RETURN_IF_ERROR(validateLinkTarget(symlink_target).withContext("symlink " + *path));
  if (!link && !symlink_target.empty()) return makeError(invalidArgument(fmt::format("mknod {}: only a link has a target", *path)));
  bool device = type == proto::FILE_TYPE_CHAR_DEVICE || type == proto::FILE_TYPE_BLOCK_DEVICE;
  if (auto earlier = earlierAttempt()) return earlierInfo(*earlier, *path);
  SHOAL_RETURN_IF_ERROR(loadAncestors(*path));
  SHOAL_RETURN_IF_ERROR(checkCreate(*path, false));
  auto mount = mountFor(*path);
  if (!mount) return makeError(mount.error());
  bool persist = false;
  int64_t mtime = nowMs();
  if (*mount) {
    if ((*mount)->info.readonly()) return makeError(readOnly(link ? "symlink" : "mknod", *path, (*mount)->info.path()));
    if (link) {
      Status st = (*mount)->ufs->symlink(symlink_target, (*mount)->ufs_path);
      if (st) {
        persist = true;
        // The store's time, as a completed file takes it: a later sync then finds nothing changed
        // (and leaves the link's owner, the caller, alone).
        if (auto made = (*mount)->ufs->getStatus((*mount)->ufs_path)) mtime = made->mtime_ms;
      } else if (st.code() != StatusCode::kNotSupported) {
        return makeError(st.withContext("symlink " + *path));
      }
      // A store without links (S3) leaves the link to the namespace alone (docs/architecture.md).
    }
  }
  proto::JournalEntry je;
  auto* e = je.mutable_create_file();
  e->set_path(*path);
  e->set_mode(link ? 0777 : mode);
  e->set_owner(who.user);
  e->set_group(who.group);
  e->set_mtime_ms(mtime);
  e->set_persisted(persist);
  e->set_complete(true);
  e->set_type(type);
  e->set_symlink_target(symlink_target);
  e->set_rdev(device ? rdev : 0);
  ApplyResult r = submitCall(std::move(je));
  if (!r.status) return makeError(r.status);
  return toFileInfo(*r.inode, *path);
}

Status FileSystemMaster::replaceAbandonedWrite(const std::string& path) {
  // A writer that died leaves its file incomplete (and hidden); after the write lease, a new
  // create of the same path takes the name over. The old writer's CompleteFile then fails.
  const int64_t lease = conf_.getDurationMs(keys::kMasterWriteLease);
  bool abandoned = sm_.read([&](const Namespace& ns) {
    auto existing = ns.lookup(path);
    return existing && !existing->isDir() && !existing->has(kInodeComplete) && nowMs() - existing->mtime_ms > lease;
  });
  if (!abandoned) return Status::ok();
  proto::JournalEntry je;
  je.mutable_delete_path()->set_path(path);
  Status st = submit(std::move(je)).status;
  return st.code() == StatusCode::kNotFound ? Status::ok() : st;
}

Result<proto::FileInfo> FileSystemMaster::completeFile(const std::string& raw, uint64_t length, bool persisted,
                                                       uint64_t file_id, int64_t mtime_ms) {
  auto path = normalizePath(raw);
  if (!path) return makeError(path.error());
  if (mtime_ms < 0) return makeError(invalidArgument(fmt::format("complete {}: negative mtime {}", *path, mtime_ms)));
  if (auto earlier = earlierAttempt()) return earlierInfo(*earlier, *path);
  proto::JournalEntry je;
  auto* e = je.mutable_complete_file();
  e->set_path(*path);
  e->set_length(length);
  e->set_mtime_ms(mtime_ms != 0 ? mtime_ms : nowMs());
  e->set_persisted(persisted);
  e->set_file_id(file_id);
  ApplyResult r = submitCall(std::move(je));
  if (!r.status) return makeError(r.status);
  return toFileInfo(*r.inode, *path);
}

Status FileSystemMaster::remove(const std::string& raw, bool recursive, bool shoal_only, uint64_t file_id) {
  auto path = normalizePath(raw);
  if (!path) return path.error();
  if (auto earlier = earlierAttempt()) return earlier->status;
  SHOAL_RETURN_IF_ERROR(loadAncestors(*path));
  // A directory Shoal never listed may hold files in the store: load it before judging emptiness.
  SHOAL_RETURN_IF_ERROR(syncForRead(*path, -1, /*list=*/true));
  proto::JournalEntry je;
  je.mutable_delete_path()->set_path(*path);
  je.mutable_delete_path()->set_recursive(recursive);
  je.mutable_delete_path()->set_file_id(file_id);
  je.mutable_delete_path()->set_mtime_ms(nowMs());
  auto inode = sm_.read([&](const Namespace& ns) { return ns.checkRemove(je.delete_path()); });
  if (!inode) return inode.error();
  auto mount = mountFor(*path);
  if (!mount) return mount.error();
  // A directory made on the way to a file (createFile recursive) is not marked persisted, yet the
  // store made it too when the file was written there: an rmdir removes it from the store as well
  // (only if it is empty there; never recursively, so nothing Shoal does not know of is lost).
  const bool in_store = inode->has(kInodePersisted) || (inode->isDir() && !recursive);
  if (*mount && !shoal_only && in_store) {
    if ((*mount)->info.readonly()) return readOnly("delete", *path, (*mount)->info.path());
    Status st = (*mount)->ufs->remove((*mount)->ufs_path, recursive);
    if (!st && st.code() != StatusCode::kNotFound) return st.withContext("delete " + *path);
  }
  return submitCall(std::move(je)).status;
}

Status FileSystemMaster::rename(const std::string& raw_src, const std::string& raw_dst, bool replace, bool keep_xattrs) {
  auto src = normalizePath(raw_src);
  if (!src) return src.error();
  auto dst = normalizePath(raw_dst);
  if (!dst) return dst.error();
  if (auto earlier = earlierAttempt()) return earlier->status;
  SHOAL_RETURN_IF_ERROR(loadAncestors(*src));
  SHOAL_RETURN_IF_ERROR(loadAncestors(*dst));
  proto::JournalEntry je;
  auto* e = je.mutable_rename();
  e->set_src(*src);
  e->set_dst(*dst);
  e->set_mtime_ms(nowMs());
  e->set_replace(replace);
  e->set_keep_xattrs(keep_xattrs);
  struct Checked {
    Inode moving;
    bool replaces_stored_file = false;  // the destination is a file the store holds
    XattrMap kept;                      // keep_xattrs: the replaced file's, which the moved one takes
  };
  auto checked = sm_.read([&](const Namespace& ns) -> Result<Checked> {
    auto moving = ns.checkRename(*e);
    if (!moving) return makeError(moving.error());
    auto existing = replace && *src != *dst ? ns.lookup(*dst) : Result<Inode>(makeError(notFound(*dst)));
    Checked c{*moving, existing && !existing->isDir() && existing->has(kInodePersisted), {}};
    if (existing && keep_xattrs) ns.store().xattrs(existing->id, &c.kept);
    return c;
  });
  if (!checked) return checked.error();
  if (*src == *dst) return Status::ok();
  const Inode* inode = &checked->moving;
  auto mount = mountFor(*src);
  if (!mount) return mount.error();
  if (*mount && inode->has(kInodePersisted)) {
    if ((*mount)->info.readonly()) return readOnly("rename", *src, (*mount)->info.path());
    std::string ufs_dst = MountTable::ufsPath((*mount)->info, *dst);
    Status st = (*mount)->ufs->rename((*mount)->ufs_path, ufs_dst, replace);
    if (!st) return st.withContext(fmt::format("rename {} to {}", *src, *dst));
    // A new version written beside the file (the vfs's publish) takes its attributes in the store
    // too. The rename is done: a store that refuses one now is logged, not failed.
    for (const auto& [name, value] : checked->kept) {
      Status x = (*mount)->ufs->setXattr(ufs_dst, name, value);
      if (!x && x.code() != StatusCode::kNotSupported) logger("master")->warn("rename {} over {}: {}", *src, *dst, x.toString());
    }
    if (!inode->isDir()) {
      // A store that copies to move (S3) gives the file a new mtime; the file's version follows it.
      auto moved = (*mount)->ufs->getStatus(ufs_dst);
      if (moved && moved->mtime_ms != inode->mtime_ms) e->set_file_mtime_ms(moved->mtime_ms);
    }
  } else if (*mount && checked->replaces_stored_file) {
    // A file only Shoal holds (MUST_CACHE) replaces one the store holds: the store's copy goes,
    // or the next sync would bring the old file back under the name.
    if ((*mount)->info.readonly()) return readOnly("rename", *src, (*mount)->info.path());
    Status st = (*mount)->ufs->remove(MountTable::ufsPath((*mount)->info, *dst), false);
    if (!st && st.code() != StatusCode::kNotFound) return st.withContext(fmt::format("rename {} over {}", *src, *dst));
  }
  return submitCall(std::move(je)).status;
}

Result<std::optional<int64_t>> FileSystemMaster::modificationTimeToRecord(const std::string& path, int64_t mtime_ms) {
  auto inode = sm_.read([&](const Namespace& ns) { return ns.lookup(path); });
  if (!inode) return makeError(inode.error());
  // Directories and special files have no cached content the time could be the version of.
  if (inode->isDir() || (inode->isSpecial() && !inode->has(kInodePersisted))) return std::optional<int64_t>(mtime_ms);
  // A file's mtime is half of its version (its cached pages, the store check): it changes only
  // with the store's. A file only Shoal holds (MUST_CACHE) keeps it, or its pages would be lost.
  if (!inode->has(kInodePersisted)) return std::optional<int64_t>();
  auto mount = mountFor(path);
  if (!mount) return makeError(mount.error());
  if (!*mount) return std::optional<int64_t>();
  if ((*mount)->info.readonly()) return makeError(readOnly("touch", path, (*mount)->info.path()));
  Status st = (*mount)->ufs->setModificationTime((*mount)->ufs_path, mtime_ms);
  if (st.code() == StatusCode::kFailedPrecondition) return std::optional<int64_t>();  // S3: it cannot
  if (!st) return makeError(st.withContext("touch " + path));
  auto now = (*mount)->ufs->getStatus((*mount)->ufs_path);
  if (!now) return makeError(now.error().withContext("touch " + path));
  return std::optional<int64_t>(now->mtime_ms);
}

Status FileSystemMaster::setAttribute(const std::string& raw, const AttrChange& change, bool recursive) {
  auto path = normalizePath(raw);
  if (!path) return path.error();
  if (change.mode && *change.mode > 07777) {
    return invalidArgument(fmt::format("chmod {}: mode {:o} is not a permission mode", *path, *change.mode));
  }
  if (change.owner && change.owner->empty()) return invalidArgument(fmt::format("chown {}: empty owner", *path));
  if (change.group && change.group->empty()) return invalidArgument(fmt::format("chgrp {}: empty group", *path));
  SHOAL_RETURN_IF_ERROR(syncForRead(*path, -1, recursive));
  std::optional<int64_t> mtime;
  if (change.mtime_ms) {
    if (recursive) return invalidArgument(fmt::format("touch {}: a modification time is set on one path", *path));
    auto settled = modificationTimeToRecord(*path, *change.mtime_ms);
    if (!settled) return settled.error();
    mtime = *settled;
    if (!mtime && !change.atime_ms && !change.mode && !change.owner && !change.group && !change.pinned) return Status::ok();
  }
  if (change.atime_ms && recursive) return invalidArgument(fmt::format("touch {}: an access time is set on one path", *path));
  auto apply = [&](const std::string& t) {
    proto::JournalEntry je;
    auto* e = je.mutable_set_attribute();
    e->set_path(t);
    if (mtime) e->set_mtime_ms(*mtime);
    if (change.mode) e->set_mode(*change.mode);
    if (change.owner) e->set_owner(*change.owner);
    if (change.group) e->set_group(*change.group);
    if (change.pinned) e->set_pinned(*change.pinned);
    if (change.atime_ms) e->set_atime_ms(*change.atime_ms);
    if (mtime || change.atime_ms || change.mode || change.owner || change.group) e->set_change_ms(nowMs());
    return submit(std::move(je)).status;
  };
  SHOAL_RETURN_IF_ERROR(apply(*path));
  if (!recursive) return Status::ok();
  // Depth-first, one child at a time from a cursor per open directory: memory is the tree's
  // depth, never its size, and each step holds the state-machine lock for one short lookup.
  // Each directory is loaded from its store before its children are read.
  struct Cursor {
    std::string dir;
    std::string after;
  };
  std::vector<Cursor> stack{{*path, ""}};
  while (!stack.empty()) {
    std::optional<Inode> next = sm_.read([&](const Namespace& ns) -> std::optional<Inode> {
      auto dir = ns.lookup(stack.back().dir);
      if (!dir || !dir->isDir()) return std::nullopt;
      std::vector<Inode> kids;
      bool more = false;
      ns.store().listChildren(dir->id, stack.back().after, 1, &kids, &more);
      if (kids.empty()) return std::nullopt;
      return kids.front();
    });
    if (!next) {
      stack.pop_back();
      continue;
    }
    stack.back().after = next->name;
    std::string child = joinPath(stack.back().dir, next->name);
    // A directory is loaded first: its first listing reads the store's attributes of it too.
    if (next->isDir()) SHOAL_RETURN_IF_ERROR(syncForRead(child, -1, true));
    SHOAL_RETURN_IF_ERROR(apply(child));
    if (next->isDir()) stack.push_back(Cursor{child, ""});
  }
  return Status::ok();
}

Status FileSystemMaster::setXattr(const std::string& raw, const std::string& name, const std::string& value,
                                  proto::XattrMode mode, bool remove) {
  auto path = normalizePath(raw);
  if (!path) return path.error();
  if (!proto::XattrMode_IsValid(mode)) return invalidArgument(fmt::format("setxattr {}: unknown mode {}", *path, static_cast<int>(mode)));
  SHOAL_RETURN_IF_ERROR(Namespace::checkXattr(*path, name, value.size()));
  if (auto earlier = earlierAttempt()) return earlier->status;
  SHOAL_RETURN_IF_ERROR(syncForRead(*path, -1, /*list=*/false));
  auto mount = mountFor(*path);
  if (!mount) return mount.error();
  if (*mount && (*mount)->info.readonly()) return readOnly(remove ? "removexattr" : "setxattr", *path, (*mount)->info.path());
  proto::JournalEntry je;
  auto* e = je.mutable_set_xattr();
  e->set_path(*path);
  e->set_name(name);
  e->set_value(value);
  e->set_mode(mode);
  e->set_remove(remove);
  e->set_change_ms(nowMs());
  auto inode = sm_.read([&](const Namespace& ns) { return ns.checkSetXattr(*e); });
  if (!inode) return inode.error();
  // Written to the store first where it keeps them (file://, cephfs://), so a refusal there
  // changes nothing; a store without them (S3) leaves the attribute in the namespace only. Files
  // only Shoal holds and special files have no store copy.
  if (*mount && inode->has(kInodePersisted) && !inode->isSpecial()) {
    const std::string& at = (*mount)->ufs_path;
    Status st = remove ? (*mount)->ufs->removeXattr(at, name) : (*mount)->ufs->setXattr(at, name, value);
    if (!st && st.code() != StatusCode::kNotSupported) {
      return st.withContext(remove ? "removexattr " + *path : "setxattr " + *path);
    }
  }
  return submitCall(std::move(je)).status;
}

std::vector<uint64_t> FileSystemMaster::pinnedFiles() const {
  return sm_.read([](const Namespace& ns) { return ns.pinnedFiles(); });
}

}  // namespace shoal::master
