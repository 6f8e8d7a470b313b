// FUSE operations that read: names, attributes, listings, file data, capacity.
#include <cerrno>
#include <cstring>
#include <sys/statvfs.h>

#include "common/path.h"
#include "fuse/fuse_fs.h"
#include "fuse/fuse_metrics.h"
#include "fuse/fuse_shell.h"

namespace shoal::fuse {
namespace {

struct DirHandle {
  std::vector<proto::FileInfo> entries;
};

void opLookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  if (int e = nameErrno(name)) return replyErrno(req, e);
  FuseFs& f = *fs(req);
  if (f.shell->lookup(req, parent, name)) return;
  auto path = f.childPath(parent, name);
  if (!path) return replyError(req, path.error(), "lookup");
  auto info = f.vfs->attributes(*path);
  if (!info) return replyError(req, info.error(), "lookup");
  fuse_entry_param e = f.entry(*info, *path);
  fuse_reply_entry(req, &e);
}

void opForget(fuse_req_t req, fuse_ino_t ino, uint64_t n) {
  fs(req)->nodes.forget(ino, n);
  if (!fs(req)->nodes.path(ino)) fs(req)->forgetIno(ino);
  fuse_reply_none(req);
}

void opForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* list) {
  for (size_t i = 0; i < count; ++i) fs(req)->nodes.forget(list[i].ino, list[i].nlookup);
  fuse_reply_none(req);
}

void opGetattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  FuseFs& f = *fs(req);
  if (f.shell->getattr(req, ino)) return;
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  f.replyAttr(req, ino, *path, "getattr");
}

void opOpendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  FuseFs& f = *fs(req);
  if (f.shell->opendir(req, ino, fi)) return;
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  // The listing is read once per open, so a paged readdir sees one consistent directory.
  auto entries = f.vfs->list(*path);
  if (!entries) return replyError(req, entries.error(), "opendir");
  auto* d = new DirHandle{std::move(*entries)};
  fi->fh = reinterpret_cast<uint64_t>(d);
  fi->cache_readdir = 0;
  fuse_reply_open(req, fi);
}

void readdirCommon(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi, bool plus) {
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return f.shell->readdir(req, ino, size, off, fi);
  auto* d = reinterpret_cast<DirHandle*>(fi->fh);
  auto dir = f.nodes.path(ino);
  if (!d || !dir) return replyErrno(req, EBADF);
  std::vector<char> buf(size);
  size_t used = 0;
  for (size_t i = static_cast<size_t>(off); i < d->entries.size(); ++i) {
    const proto::FileInfo& c = d->entries[i];
    char* at = buf.data() + used;
    size_t rem = size - used;
    size_t need;
    if (plus) {
      // Measure first: an entry that does not fit must not count a kernel lookup.
      need = fuse_add_direntry_plus(req, nullptr, 0, c.name().c_str(), nullptr, 0);
      if (need > rem) break;
      std::string child = joinPath(*dir, c.name());
      auto open = typeBits(c) != S_IFREG ? nullptr : f.vfs->openFile(child);  // unpublished changes: its own size, mtime
      fuse_entry_param e = f.entry(open && open->dirty() ? open->attributes() : c, child);
      fuse_add_direntry_plus(req, at, rem, c.name().c_str(), &e, static_cast<off_t>(i + 1));
    } else {
      struct stat st{};
      st.st_ino = 0;  // the kernel looks the name up when it needs the inode
      st.st_mode = typeBits(c);
      need = fuse_add_direntry(req, at, rem, c.name().c_str(), &st, static_cast<off_t>(i + 1));
      if (need > rem) break;
    }
    used += need;
  }
  fuse_reply_buf(req, buf.data(), used);
}

void opReaddir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  readdirCommon(req, ino, size, off, fi, false);
}

void opReaddirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  readdirCommon(req, ino, size, off, fi, true);
}

void opReleasedir(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
  delete reinterpret_cast<DirHandle*>(fi->fh);
  fuse_reply_err(req, 0);
}

void opRead(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return f.shell->read(req, ino, size, off);
  auto* h = reinterpret_cast<FileHandle*>(fi->fh);
  if (!h) return replyErrno(req, EBADF);
  thread_local std::vector<char> buf;  // reused: fresh buffers cost page faults on every reply
  buf.resize(size);
  auto n = h->file ? h->file->read(static_cast<uint64_t>(off), {buf.data(), size})
                   : f.vfs->readPublished(h->info, static_cast<uint64_t>(off), {buf.data(), size});
  if (!n) return replyError(req, n.error(), ("read " + h->info.path()).c_str());
  fuse_reply_buf(req, buf.data(), *n);
}

void opReadlink(fuse_req_t req, fuse_ino_t ino) {
  FuseFs& f = *fs(req);
  if (f.shell->isShell(ino)) return replyErrno(req, EINVAL);
  auto path = f.nodes.path(ino);
  if (!path) return replyErrno(req, ENOENT);
  auto target = f.vfs->readlink(*path);
  if (!target) return replyError(req, target.error(), ("readlink " + *path).c_str());
  fuse_reply_readlink(req, target->c_str());
}

void opStatfs(fuse_req_t req, fuse_ino_t) {
  FuseFs& f = *fs(req);
  struct statvfs sv{};
  sv.f_bsize = 4096;
  sv.f_frsize = 4096;
  sv.f_namemax = 255;
  uint64_t cap = 0, used = 0;
  if (auto ws = f.client->workers().registry().workers(false)) {
    for (const auto& w : *ws) {
      for (const auto& t : w.tiers()) {
        cap += t.capacity();
        used += std::min(t.used(), t.capacity());
      }
    }
  }
  sv.f_blocks = cap / 4096;
  sv.f_bfree = (cap - used) / 4096;
  sv.f_bavail = sv.f_bfree;
  sv.f_files = 1ULL << 32;
  sv.f_ffree = 1ULL << 31;
  fuse_reply_statfs(req, &sv);
}

void opAccess(fuse_req_t req, fuse_ino_t, int) {
  fuse_reply_err(req, 0);  // mounted with default_permissions: the kernel checks mode bits
}

}  // namespace

void addReadOps(fuse_lowlevel_ops* ops) {
  ops->lookup = timed<opLookup>("lookup");
  ops->forget = timed<opForget>("forget");
  ops->forget_multi = timed<opForgetMulti>("forget_multi");
  ops->getattr = timed<opGetattr>("getattr");
  ops->opendir = timed<opOpendir>("opendir");
  ops->readdir = timed<opReaddir>("readdir");
  ops->readdirplus = timed<opReaddirplus>("readdirplus");
  ops->releasedir = timed<opReleasedir>("releasedir");
  ops->read = timed<opRead>("read");
  ops->statfs = timed<opStatfs>("statfs");
  ops->readlink = timed<opReadlink>("readlink");
  ops->access = timed<opAccess>("access");
}

}  // namespace shoal::fuse
