// FUSE operations that change things: opening files (for reading or writing), writing through
// the client's close-to-open writer, and namespace changes.
#include <cerrno>
#include <fcntl.h>
#include <pwd.h>
#include <grp.h>

#include "common/logging.h"
#include "common/path.h"
#include "fuse/fuse_fs.h"
#include "fuse/fuse_shell.h"

namespace shoal::fuse {
namespace {

// Publishes a written file (first flush, fsync or release). Later writes to the handle fail:
// a Shoal file is written once, start to end.
Status commit(FuseFs& f, uint64_t ino, FileHandle& h) {
  std::lock_guard lock(h.mu);
  if (!h.writer || h.committed) return Status::ok();
  h.committed = true;
  auto done = h.writer->close();
  {
    std::lock_guard fl(f.mu);
    f.writing.erase(ino);
  }
  f.forgetIno(ino);
  if (!done) return done.error();
  h.info = *done;
  return Status::ok();
}

Result<std::unique_ptr<FileHandle>> startWrite(FuseFs& f, const std::string& path, uint32_t mode, uint64_t ino) {
  f.forgetIno(ino);
  client::WriteOptions opts;
  opts.mode = mode & 07777;
  opts.recursive = false;
  auto w = client::FileWriter::create(f.conf, *f.master, f.reader->workers(), f.reader->direct(), path, opts);
  if (!w) return makeError(w.error());
  auto h = std::make_unique<FileHandle>();
  h->info.set_path(path);
  h->info.set_mode(mode & 07777);
  const struct passwd* pw = ::getpwuid(::getuid());
  const struct group* gr = ::getgrgid(::getgid());
  h->info.set_owner(pw ? pw->pw_name : "root");
  h->info.set_group(gr ? gr->gr_name : "root");
  h->info.set_mtime_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count());
  h->writer = std::move(*w);
  std::lock_guard lock(f.mu);
  f.writing[ino] = h.get();
  return h;
}

void opOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  FuseFs& f = *fs(req);
  if (f.shell->open(req, ino, fi)) return;
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  // Reads use the attributes the kernel holds (and trusts for the attr timeout) when fresh.
  auto known = (fi->flags & O_ACCMODE) == O_RDONLY ? f.recent(ino) : std::nullopt;
  auto info = known ? Result<proto::FileInfo>(*known) : f.master->getStatus(*path);
  if (!info) return replyError(req, info.error(), "open");
  if (info->is_dir()) return replyErrno(req, EISDIR);
  if ((fi->flags & O_ACCMODE) != O_RDONLY) {
    // Shoal files are written once: a writer may only replace the whole file (O_TRUNC).
    if (!(fi->flags & O_TRUNC)) return replyErrno(req, EOPNOTSUPP);
    Status st = f.master->remove(*path, false);
    if (!st) return replyError(req, st, "open for truncate");
    auto h = startWrite(f, *path, info->mode(), ino);
    if (!h) return replyError(req, h.error(), "open for write");
    fi->fh = reinterpret_cast<uint64_t>(h->release());
    fi->direct_io = 1;
    return void(fuse_reply_open(req, fi));
  }
  auto* h = new FileHandle;
  h->info = std::move(*info);
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

void opCreate(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
  if (int e = nameErrno(name)) return replyErrno(req, e);
  FuseFs& f = *fs(req);
  if (f.shell->isShell(parent)) return replyErrno(req, EPERM);
  auto path = f.childPath(parent, name);
  if (!path) return replyError(req, path.error(), "create");
  uint64_t ino = f.nodes.lookup(*path);
  auto h = startWrite(f, *path, mode, ino);
  if (!h) {
    f.nodes.forget(ino, 1);
    return replyError(req, h.error(), "create");
  }
  fuse_entry_param e{};
  e.ino = ino;
  e.generation = 1;
  e.attr_timeout = 0;  // its size changes while it is written
  e.entry_timeout = f.entry_timeout;
  f.fillStat((*h)->info, ino, &e.attr);
  fi->fh = reinterpret_cast<uint64_t>(h->release());
  fi->direct_io = 1;
  fuse_reply_create(req, &e, fi);
}

void opWrite(fuse_req_t req, fuse_ino_t, const char* buf, size_t size, off_t off, fuse_file_info* fi) {
  auto* h = reinterpret_cast<FileHandle*>(fi->fh);
  if (!h || !h->writer) return replyErrno(req, EBADF);
  std::lock_guard lock(h->mu);
  if (h->committed) return replyErrno(req, EIO);  // written after fsync or close
  if (static_cast<uint64_t>(off) != h->writer->bytesWritten()) return replyErrno(req, EOPNOTSUPP);  // sequential only
  Status st = h->writer->write({buf, size});
  if (!st) return replyError(req, st, ("write " + h->info.path()).c_str());
  fuse_reply_write(req, size);
}

void opFlush(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  auto* h = reinterpret_cast<FileHandle*>(fi->fh);
  if (!h || !h->writer) return replyErrno(req, 0);
  // close(2): publish now, so a reader that opens the file after our close sees it.
  Status st = commit(*fs(req), ino, *h);
  if (!st) return replyError(req, st, ("close " + h->info.path()).c_str());
  fuse_reply_err(req, 0);
}

void opFsync(fuse_req_t req, fuse_ino_t ino, int, fuse_file_info* fi) { opFlush(req, ino, fi); }

void opRelease(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return replyErrno(req, 0);
  auto* h = reinterpret_cast<FileHandle*>(fi->fh);
  if (h && h->writer) {
    Status st = commit(f, ino, *h);
    if (!st) logger("fuse")->warn("release {}: {}", h->info.path(), st.toString());
  }
  delete h;
  fuse_reply_err(req, 0);
}

void opMkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
  if (int e = nameErrno(name)) return replyErrno(req, e);
  FuseFs& f = *fs(req);
  if (f.shell->isShell(parent)) return replyErrno(req, EPERM);
  auto path = f.childPath(parent, name);
  if (!path) return replyError(req, path.error(), "mkdir");
  auto info = f.master->createDirectory(*path, false, mode & 07777);
  if (!info) return replyError(req, info.error(), "mkdir");
  fuse_entry_param e = f.entry(*info, *path);
  fuse_reply_entry(req, &e);
}

void removeCommon(fuse_req_t req, fuse_ino_t parent, const char* name, bool dir) {
  if (int e = nameErrno(name)) return replyErrno(req, e);
  FuseFs& f = *fs(req);
  if (f.shell->isShell(parent)) return replyErrno(req, EPERM);
  auto path = f.childPath(parent, name);
  if (!path) return replyError(req, path.error(), dir ? "rmdir" : "unlink");
  auto info = f.master->getStatus(*path);
  if (!info) return replyError(req, info.error(), dir ? "rmdir" : "unlink");
  if (dir && !info->is_dir()) return replyErrno(req, ENOTDIR);
  if (!dir && info->is_dir()) return replyErrno(req, EISDIR);
  Status st = f.master->remove(*path, false);
  if (!st) return replyError(req, st, dir ? "rmdir" : "unlink");
  if (auto ino = f.nodes.find(*path)) f.forgetIno(*ino);
  fuse_reply_err(req, 0);
}

void opUnlink(fuse_req_t req, fuse_ino_t parent, const char* name) { removeCommon(req, parent, name, false); }
void opRmdir(fuse_req_t req, fuse_ino_t parent, const char* name) { removeCommon(req, parent, name, true); }

void opRename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent, const char* newname,
              unsigned int flags) {
  FuseFs& f = *fs(req);
  if (f.shell->isShell(parent) || f.shell->isShell(newparent)) return replyErrno(req, EPERM);
  if (flags & RENAME_EXCHANGE) return replyErrno(req, EINVAL);
  if (int e = nameErrno(newname)) return replyErrno(req, e);
  auto from = f.childPath(parent, name);
  auto to = f.childPath(newparent, newname);
  if (!from) return replyError(req, from.error(), "rename");
  if (!to) return replyError(req, to.error(), "rename");
  if (!(flags & RENAME_NOREPLACE)) {
    // POSIX rename replaces a file at the destination; Shoal's does not, so remove it first.
    auto existing = f.master->getStatus(*to);
    auto source = f.master->getStatus(*from);
    if (existing && source && !existing->is_dir() && !source->is_dir()) {
      Status st = f.master->remove(*to, false);
      if (!st) return replyError(req, st, "rename");
    }
  }
  Status st = f.master->rename(*from, *to);
  if (!st) return replyError(req, st, "rename");
  if (auto old = f.nodes.find(*to)) f.forgetIno(*old);
  f.nodes.rename(*from, *to);
  fuse_reply_err(req, 0);
}

void opSetattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return replyErrno(req, EPERM);
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  f.forgetIno(ino);
  if (to_set & FUSE_SET_ATTR_SIZE) {
    auto cur = f.attributes(ino, *path);
    if (!cur) return replyError(req, cur.error(), "truncate");
    if (static_cast<uint64_t>(attr->st_size) != cur->size()) {
      bool writing = fi && reinterpret_cast<FileHandle*>(fi->fh) && reinterpret_cast<FileHandle*>(fi->fh)->writer;
      // Only "make it empty" is possible: on a file being written that is still empty it holds
      // already; on a closed file it means replacing it with an empty one.
      if (attr->st_size != 0 || writing) return replyErrno(req, EOPNOTSUPP);
      Status st = f.master->remove(*path, false);
      if (st) st = f.master->createFile(*path, false, true, proto::WRITE_TYPE_DEFAULT, cur->mode()).has_value()
                       ? Status::ok() : Status(StatusCode::kIoError, *path + ": could not recreate it empty");
      if (!st) return replyError(req, st, "truncate");
    }
  }
  std::optional<uint32_t> mode;
  std::optional<std::string> owner, group;
  if (to_set & FUSE_SET_ATTR_MODE) mode = attr->st_mode & 07777;
  if (to_set & FUSE_SET_ATTR_UID) {
    struct passwd* pw = ::getpwuid(attr->st_uid);
    if (!pw) return replyErrno(req, EINVAL);
    owner = pw->pw_name;
  }
  if (to_set & FUSE_SET_ATTR_GID) {
    struct group* gr = ::getgrgid(attr->st_gid);
    if (!gr) return replyErrno(req, EINVAL);
    group = gr->gr_name;
  }
  bool being_written = false;
  {
    std::lock_guard lock(f.mu);
    being_written = f.writing.count(ino) > 0;
  }
  if ((mode || owner || group) && !being_written) {
    Status st = f.master->setAttribute(*path, mode, owner, group, false);
    if (!st) return replyError(req, st, "setattr");
  }
  // Times (utimens) are accepted and not stored: Shoal keeps the store's mtime as the fingerprint.
  f.replyAttr(req, ino, *path, "setattr");
}

}  // namespace

void addWriteOps(fuse_lowlevel_ops* ops) {
  ops->open = opOpen;
  ops->create = opCreate;
  ops->write = opWrite;
  ops->flush = opFlush;
  ops->fsync = opFsync;
  ops->release = opRelease;
  ops->mkdir = opMkdir;
  ops->unlink = opUnlink;
  ops->rmdir = opRmdir;
  ops->rename = opRename;
  ops->setattr = opSetattr;
}

}  // namespace shoal::fuse
