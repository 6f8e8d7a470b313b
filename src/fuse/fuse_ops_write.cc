// FUSE operations that change things: opening files (for reading or writing), writing through
// the client's close-to-open writer, and namespace changes.
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <linux/falloc.h>

#include "common/logging.h"
#include "common/path.h"
#include "fuse/fuse_fs.h"
#include "fuse/fuse_metrics.h"
#include "fuse/fuse_shell.h"

namespace shoal::fuse {
namespace {

// A handle on the vfs file of `path`, which the kernel reaches with direct I/O (its size and
// content change under writes, so the kernel must not cache pages of it).
void replyOpenFile(fuse_req_t req, fuse_file_info* fi, std::shared_ptr<vfs::OpenFile> file) {
  auto* h = new FileHandle;
  h->info = file->attributes();
  h->file = std::move(file);
  h->flags = fi->flags;
  fi->fh = reinterpret_cast<uint64_t>(h);
  fi->direct_io = 1;
}

void opOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  auto as = requester(req);
  FuseFs& f = *fs(req);
  if (f.shell->open(req, ino, fi)) return;
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  if ((fi->flags & O_ACCMODE) != O_RDONLY) {
    f.forgetIno(ino);
    auto file = f.vfs->openWrite(*path, fi->flags, 0644);
    if (!file) return replyError(req, file.error(), ("open " + *path).c_str());
    replyOpenFile(req, fi, std::move(*file));
    return void(fuse_reply_open(req, fi));
  }
  // A file open for writing here: readers see its content as this process has it.
  if (auto open = f.vfs->openFile(*path)) {
    replyOpenFile(req, fi, std::move(open));
    return void(fuse_reply_open(req, fi));
  }
  // Reads use the attributes the kernel holds (and trusts for the attr timeout) when fresh.
  auto known = f.recent(ino);
  auto info = known ? Result<proto::FileInfo>(*known) : f.vfs->attributes(*path);
  if (!info) return replyError(req, info.error(), "open");
  if (info->is_dir()) return replyErrno(req, EISDIR);
  auto* h = new FileHandle;
  h->info = std::move(*info);
  h->flags = fi->flags;
  fi->noflush = 1;  // nothing to publish on close of a read-only open: spare the FLUSH round trip
  {
    // Keep the kernel's cached pages only if the file is the version they came from.
    std::lock_guard lock(f.mu);
    auto& seen = f.seen[ino];
    auto now = std::make_pair(h->info.size(), h->info.mtime_ms());
    fi->keep_cache = f.keep_cache && seen == now;
    seen = now;
  }
  fi->fh = reinterpret_cast<uint64_t>(h);
  fuse_reply_open(req, fi);
}

// The path of name `name` under `parent` for an op that makes or removes it, or nothing when the
// errno is already replied: a bad name, a name under the shell, an unknown parent.
std::optional<std::string> newNamePath(fuse_req_t req, fuse_ino_t parent, const char* name, const char* op) {
  if (int e = nameErrno(name)) return replyErrno(req, e), std::nullopt;
  FuseFs& f = *fs(req);
  if (f.shell->isShell(parent)) return replyErrno(req, EPERM), std::nullopt;
  auto path = f.childPath(parent, name);
  if (!path) return replyError(req, path.error(), op), std::nullopt;
  FuseAudit::notePath(*path);
  return *path;
}

// The reply to mkdir, mknod and symlink: the new entry, or the error naming the path.
void replyMade(fuse_req_t req, const Result<proto::FileInfo>& made, const std::string& path, const char* op) {
  if (!made) return replyError(req, made.error(), (std::string(op) + " " + path).c_str());
  fuse_entry_param e = fs(req)->entry(*made, path);
  fuse_reply_entry(req, &e);
}

void opCreate(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
  FuseAudit audit(req, "create");
  auto as = requester(req);
  auto path = newNamePath(req, parent, name, "create");
  if (!path) return;
  FuseFs& f = *fs(req);
  auto file = f.vfs->openWrite(*path, fi->flags | O_CREAT, mode);
  if (!file) return replyError(req, file.error(), ("create " + *path).c_str());
  uint64_t ino = f.nodes.lookup(*path);
  f.forgetIno(ino);
  fuse_entry_param e{};
  e.ino = ino;
  e.generation = 1;
  e.attr_timeout = 0;  // its size changes while it is written
  e.entry_timeout = f.entry_timeout;
  f.fillStat((*file)->attributes(), ino, &e.attr);
  replyOpenFile(req, fi, std::move(*file));
  fuse_reply_create(req, &e, fi);
}

void opWrite(fuse_req_t req, fuse_ino_t, const char* buf, size_t size, off_t off, fuse_file_info* fi) {
  auto* h = reinterpret_cast<FileHandle*>(fi->fh);
  if (!h || !h->file || (h->flags & O_ACCMODE) == O_RDONLY) return replyErrno(req, EBADF);
  // O_APPEND writes at the end as this process knows it, not the kernel's cached size.
  // Root may keep set-user-ID bits through a write (CAP_FSETID); anyone else drops them.
  bool privileged = fuse_req_ctx(req)->uid == 0;
  auto n = h->file->write(static_cast<uint64_t>(off), {buf, size}, (h->flags & O_APPEND) != 0, privileged);
  // No cache to drop per write: opens of a file open here go to its OpenFile, and the flush that
  // publishes drops what the kernel was told.
  if (!n) return replyError(req, n.error(), ("write " + h->file->path()).c_str());
  fuse_reply_write(req, *n);
}

// fallocate(2): mode 0 and FALLOC_FL_KEEP_SIZE (space held in the staging area); punching or
// collapsing ranges is EOPNOTSUPP, as on file systems without them.
void opFallocate(fuse_req_t req, fuse_ino_t, int mode, off_t offset, off_t length, fuse_file_info* fi) {
  auto* h = reinterpret_cast<FileHandle*>(fi->fh);
  if (!h || !h->file || (h->flags & O_ACCMODE) == O_RDONLY) return replyErrno(req, EBADF);
  if (mode & ~FALLOC_FL_KEEP_SIZE) return replyErrno(req, EOPNOTSUPP);
  if (offset < 0 || length <= 0) return replyErrno(req, EINVAL);
  Status st = h->file->allocate(static_cast<uint64_t>(offset), static_cast<uint64_t>(length), mode & FALLOC_FL_KEEP_SIZE);
  if (!st) return replyError(req, st, ("fallocate " + h->file->path()).c_str());
  fuse_reply_err(req, 0);
}

// close(2), fsync(2): publish the changes, so a reader that opens the file afterwards sees them.
void opFlush(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  auto as = requester(req);
  auto* h = reinterpret_cast<FileHandle*>(fi->fh);
  if (!h || !h->file) return replyErrno(req, 0);
  Status st = h->file->publish();
  fs(req)->forgetIno(ino);
  if (!st) return replyError(req, st, ("close " + h->file->path()).c_str());
  fuse_reply_err(req, 0);
}

void opFsync(fuse_req_t req, fuse_ino_t ino, int, fuse_file_info* fi) { opFlush(req, ino, fi); }

void opRelease(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  auto as = requester(req);
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return replyErrno(req, 0);
  auto* h = reinterpret_cast<FileHandle*>(fi->fh);
  if (h && h->file) {
    Status st = h->file->publish();
    if (!st) logger("fuse")->warn("release {}: {}", h->file->path(), st.toString());
    f.forgetIno(ino);
  }
  delete h;
  fuse_reply_err(req, 0);
}

void opMkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
  FuseAudit audit(req, "mkdir");
  auto as = requester(req);
  auto path = newNamePath(req, parent, name, "mkdir");
  if (path) replyMade(req, fs(req)->vfs->mkdir(*path, mode), *path, "mkdir");
}

void removeCommon(fuse_req_t req, fuse_ino_t parent, const char* name, bool dir) {
  FuseAudit audit(req, dir ? "rmdir" : "unlink");
  auto as = requester(req);
  auto path = newNamePath(req, parent, name, dir ? "rmdir" : "unlink");
  if (!path) return;
  FuseFs& f = *fs(req);
  Status st = dir ? f.vfs->rmdir(*path) : f.vfs->unlink(*path);
  if (!st) return replyError(req, st, dir ? "rmdir" : "unlink");
  if (auto ino = f.nodes.find(*path)) f.forgetIno(*ino);
  fuse_reply_err(req, 0);
}

// mknod(2) of a regular file makes an empty file; FIFOs, sockets and device nodes are names in
// the namespace (the kernel serves their data itself, never through this daemon).
void opMknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t rdev) {
  FuseAudit audit(req, "mknod");
  auto as = requester(req);
  auto path = newNamePath(req, parent, name, "mknod");
  if (path) replyMade(req, fs(req)->vfs->mknod(*path, mode, rdev), *path, "mknod");
}

void opSymlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name) {
  FuseAudit audit(req, "symlink");
  auto as = requester(req);
  auto path = newNamePath(req, parent, name, "symlink");
  if (path) replyMade(req, fs(req)->vfs->symlink(target, *path), *path, "symlink");
}

// Not yet kept in the namespace: a clean EPERM (what file systems without links answer), never ENOSYS.
void opLink(fuse_req_t req, fuse_ino_t, fuse_ino_t, const char*) { replyErrno(req, EPERM); }

void opUnlink(fuse_req_t req, fuse_ino_t parent, const char* name) { removeCommon(req, parent, name, false); }
void opRmdir(fuse_req_t req, fuse_ino_t parent, const char* name) { removeCommon(req, parent, name, true); }

void opRename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent, const char* newname,
              unsigned int flags) {
  FuseAudit audit(req, "rename");
  auto as = requester(req);
  FuseFs& f = *fs(req);
  if (f.shell->isShell(parent) || f.shell->isShell(newparent)) return replyErrno(req, EPERM);
  if (flags & RENAME_EXCHANGE) return replyErrno(req, EINVAL);
  if (int e = nameErrno(newname)) return replyErrno(req, e);
  auto from = f.childPath(parent, name);
  auto to = f.childPath(newparent, newname);
  if (!from) return replyError(req, from.error(), "rename");
  if (!to) return replyError(req, to.error(), "rename");
  audit.at(*from, *to);
  // POSIX rename replaces the destination in one step (the master journals both); with
  // RENAME_NOREPLACE an existing destination is EEXIST.
  Status st = f.vfs->rename(*from, *to, (flags & RENAME_NOREPLACE) != 0);
  if (!st) return replyError(req, st, "rename");
  if (auto old = f.nodes.find(*to)) f.forgetIno(*old);
  f.nodes.rename(*from, *to);
  fuse_reply_err(req, 0);
}

void opSetattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
  FuseAudit audit(req, (to_set & FUSE_SET_ATTR_SIZE) ? "truncate" : "setattr");
  auto as = requester(req);
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return replyErrno(req, EPERM);
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  audit.at(*path);
  f.forgetIno(ino);
  if (to_set & FUSE_SET_ATTR_SIZE) {
    if (attr->st_size < 0) return replyErrno(req, EINVAL);
    auto* h = fi ? reinterpret_cast<FileHandle*>(fi->fh) : nullptr;
    // ftruncate on a handle, truncate(2) on a path: the old content stays until the new is published.
    Status st = h && h->file ? h->file->truncate(static_cast<uint64_t>(attr->st_size))
                             : f.vfs->truncate(*path, static_cast<uint64_t>(attr->st_size));
    if (!st) return replyError(req, st, ("truncate " + *path).c_str());
  }
  std::optional<uint32_t> mode;
  std::optional<std::string> owner, group;
  if (to_set & FUSE_SET_ATTR_MODE) mode = attr->st_mode & 07777;
  // Ids with no name are kept as numbers (the kernel checked who may chown: default_permissions).
  if (to_set & FUSE_SET_ATTR_UID) owner = userName(attr->st_uid);
  if (to_set & FUSE_SET_ATTR_GID) group = groupName(attr->st_gid);
  if (Status st = f.vfs->setAttributes(*path, mode, owner, group); !st) return replyError(req, st, "setattr");
  auto timeOf = [&](int now_bit, const struct timespec& ts) -> int64_t {
    if (to_set & now_bit) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    }
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
  };
  std::optional<int64_t> mtime, atime;
  if (to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW)) mtime = timeOf(FUSE_SET_ATTR_MTIME_NOW, attr->st_mtim);
  if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW)) atime = timeOf(FUSE_SET_ATTR_ATIME_NOW, attr->st_atim);
  // The mtime goes to the store where it can hold it (a file whose store cannot keeps its time,
  // docs); the atime is kept by the master (reads never move it).
  if (Status st = f.vfs->setTimes(*path, mtime, atime); !st) return replyError(req, st, ("touch " + *path).c_str());
  f.replyAttr(req, ino, *path, "setattr");
}

// Extended attributes: a store or namespace that does not keep the name is EOPNOTSUPP here
// (setxattr(2)'s word for it), not the EPERM other unsupported operations answer.
void replyXattrError(fuse_req_t req, const Status& st, const char* op) {
  if (st.code() == StatusCode::kNotSupported) return replyErrno(req, EOPNOTSUPP);
  replyError(req, st, op);
}

void opSetxattr(fuse_req_t req, fuse_ino_t ino, const char* name, const char* value, size_t size, int flags) {
  FuseAudit audit(req, "setxattr");
  auto as = requester(req);
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return replyErrno(req, EPERM);
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  audit.at(*path);
  f.forgetIno(ino);
  Status st = f.vfs->setXattr(*path, name, std::string(value, size), flags);
  if (!st) return replyXattrError(req, st, ("setxattr " + *path).c_str());
  fuse_reply_err(req, 0);
}

// size 0 asks how big the answer is; too small a buffer is ERANGE.
void replySized(fuse_req_t req, const std::string& data, size_t size) {
  if (size == 0) return void(fuse_reply_xattr(req, data.size()));
  if (data.size() > size) return replyErrno(req, ERANGE);
  fuse_reply_buf(req, data.data(), data.size());
}

void opGetxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return replyErrno(req, ENODATA);
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  auto value = f.vfs->getXattr(*path, name);
  if (!value) return replyXattrError(req, value.error(), ("getxattr " + *path).c_str());
  replySized(req, *value, size);
}

void opListxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return replySized(req, "", size);
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  auto names = f.vfs->listXattrs(*path);
  if (!names) return replyXattrError(req, names.error(), ("listxattr " + *path).c_str());
  std::string packed;  // NUL-terminated names, one after another
  for (const auto& n : *names) packed.append(n).push_back('\0');
  replySized(req, packed, size);
}

void opRemovexattr(fuse_req_t req, fuse_ino_t ino, const char* name) {
  FuseAudit audit(req, "removexattr");
  auto as = requester(req);
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return replyErrno(req, EPERM);
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  audit.at(*path);
  f.forgetIno(ino);
  Status st = f.vfs->removeXattr(*path, name);
  if (!st) return replyXattrError(req, st, ("removexattr " + *path).c_str());
  fuse_reply_err(req, 0);
}

}  // namespace

void addWriteOps(fuse_lowlevel_ops* ops) {
  ops->open = timed<opOpen>("open");
  ops->create = timed<opCreate>("create");
  ops->write = timed<opWrite>("write");
  ops->flush = timed<opFlush>("flush");
  ops->fallocate = timed<opFallocate>("fallocate");
  ops->fsync = timed<opFsync>("fsync");
  ops->release = timed<opRelease>("release");
  ops->mkdir = timed<opMkdir>("mkdir");
  ops->unlink = timed<opUnlink>("unlink");
  ops->rmdir = timed<opRmdir>("rmdir");
  ops->rename = timed<opRename>("rename");
  ops->setattr = timed<opSetattr>("setattr");
  ops->mknod = timed<opMknod>("mknod");
  ops->link = timed<opLink>("link");
  ops->symlink = timed<opSymlink>("symlink");
  ops->setxattr = timed<opSetxattr>("setxattr");
  ops->getxattr = timed<opGetxattr>("getxattr");
  ops->listxattr = timed<opListxattr>("listxattr");
  ops->removexattr = timed<opRemovexattr>("removexattr");
}

}  // namespace shoal::fuse
