#include "bare_fuse.h"

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <sys/mount.h>
#include <thread>
#include <vector>

namespace shoal::bench {

struct BareFuse::Impl {
  std::string mountpoint;
  uint64_t files, file_size, big_size;
  double timeout;
  std::vector<char> data = std::vector<char>(1 << 20, 'b');  // every byte served comes from here
  fuse_session* se = nullptr;
  std::thread loop;
  std::mutex mu;
  std::map<std::string, fuse_ino_t> created;  // guarded by mu
  std::map<fuse_ino_t, uint64_t> sizes;        // of created files; guarded by mu
  fuse_ino_t next_ino = 0;                     // guarded by mu

  bool isCreated(fuse_ino_t ino) const { return ino > files + 2; }
  uint64_t sizeOf(fuse_ino_t ino) {
    if (isCreated(ino)) {
      std::lock_guard lock(mu);
      return sizes[ino];
    }
    return ino == files + 2 ? big_size : file_size;
  }
  void fill(fuse_ino_t ino, struct stat* st) {
    *st = {};
    st->st_ino = ino;
    if (ino == FUSE_ROOT_ID) {
      st->st_mode = S_IFDIR | 0755;
      st->st_nlink = 2;
      return;
    }
    st->st_mode = S_IFREG | 0644;
    st->st_nlink = 1;
    st->st_size = static_cast<off_t>(sizeOf(ino));
  }
};

namespace {

BareFuse::Impl* self(fuse_req_t req) { return static_cast<BareFuse::Impl*>(fuse_req_userdata(req)); }

// The same kernel settings as Shoal's mount (fuse_mount.cc), so the comparison is of the file
// systems, not of their knobs.
void opInit(void*, fuse_conn_info* conn) {
  conn->max_readahead = 1 << 20;
  conn->max_write = 1 << 20;
}

void opLookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  auto* s = self(req);
  fuse_ino_t ino = 0;
  if (parent == FUSE_ROOT_ID && std::strcmp(name, "big.bin") == 0) {
    ino = s->files + 2;
  } else if (parent == FUSE_ROOT_ID && name[0] == 'f') {
    char* end = nullptr;
    unsigned long long i = std::strtoull(name + 1, &end, 10);
    if (end && std::strcmp(end, ".bin") == 0 && i < s->files) ino = i + 2;
  }
  if (ino == 0 && parent == FUSE_ROOT_ID) {
    std::lock_guard lock(s->mu);
    auto it = s->created.find(name);
    if (it != s->created.end()) ino = it->second;
  }
  if (ino == 0) return void(fuse_reply_err(req, ENOENT));
  fuse_entry_param e{};
  e.ino = ino;
  e.entry_timeout = s->timeout;
  e.attr_timeout = s->timeout;
  s->fill(ino, &e.attr);
  fuse_reply_entry(req, &e);
}

void opGetattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  struct stat st;
  self(req)->fill(ino, &st);
  fuse_reply_attr(req, &st, self(req)->timeout);
}

void opOpen(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
  fi->keep_cache = 1;  // immutable content
  fuse_reply_open(req, fi);
}

void opRead(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info*) {
  auto* s = self(req);
  uint64_t total = s->sizeOf(ino);
  uint64_t n = static_cast<uint64_t>(off) >= total ? 0 : std::min<uint64_t>(size, total - static_cast<uint64_t>(off));
  n = std::min<uint64_t>(n, s->data.size());
  fuse_reply_buf(req, s->data.data(), n);
}

void opCreate(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t, fuse_file_info* fi) {
  auto* s = self(req);
  if (parent != FUSE_ROOT_ID) return void(fuse_reply_err(req, EPERM));
  fuse_entry_param e{};
  {
    std::lock_guard lock(s->mu);
    auto& ino = s->created[name];
    if (ino == 0) ino = s->files + 3 + s->next_ino++;
    s->sizes[ino] = 0;
    e.ino = ino;
  }
  e.entry_timeout = s->timeout;
  e.attr_timeout = s->timeout;
  s->fill(e.ino, &e.attr);
  fuse_reply_create(req, &e, fi);
}

void opWrite(fuse_req_t req, fuse_ino_t ino, const char*, size_t size, off_t off, fuse_file_info*) {
  auto* s = self(req);
  if (!s->isCreated(ino)) return void(fuse_reply_err(req, EPERM));
  {
    std::lock_guard lock(s->mu);
    auto& sz = s->sizes[ino];
    sz = std::max<uint64_t>(sz, static_cast<uint64_t>(off) + size);
  }
  fuse_reply_write(req, size);
}

void opSetattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info*) {
  auto* s = self(req);
  if (s->isCreated(ino) && (to_set & FUSE_SET_ATTR_SIZE)) {
    std::lock_guard lock(s->mu);
    s->sizes[ino] = static_cast<uint64_t>(attr->st_size);
  }
  struct stat st;
  s->fill(ino, &st);
  fuse_reply_attr(req, &st, s->timeout);
}

void opFlush(fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, 0); }

}  // namespace

BareFuse::BareFuse(const std::string& mountpoint, uint64_t files, uint64_t file_size, uint64_t big_size, double timeout_s)
    : impl_(std::make_unique<Impl>()) {
  impl_->mountpoint = mountpoint;
  impl_->files = files;
  impl_->file_size = file_size;
  impl_->big_size = big_size;
  impl_->timeout = timeout_s;
  fuse_lowlevel_ops ops{};
  ops.init = opInit;
  ops.lookup = opLookup;
  ops.getattr = opGetattr;
  ops.open = opOpen;
  ops.read = opRead;
  ops.create = opCreate;
  ops.write = opWrite;
  ops.setattr = opSetattr;
  ops.flush = opFlush;
  ops.fsync = [](fuse_req_t req, fuse_ino_t, int, fuse_file_info*) { fuse_reply_err(req, 0); };
  const char* argv[] = {"bare-fuse", "-o", "fsname=barefuse"};
  fuse_args args = FUSE_ARGS_INIT(3, const_cast<char**>(argv));
  impl_->se = fuse_session_new(&args, &ops, sizeof(ops), impl_.get());
  if (!impl_->se || fuse_session_mount(impl_->se, mountpoint.c_str()) != 0) {
    throw std::runtime_error("bare FUSE: cannot mount on " + mountpoint);
  }
  impl_->loop = std::thread([s = impl_->se] {
    fuse_loop_config* cfg = fuse_loop_cfg_create();
    fuse_loop_cfg_set_max_threads(cfg, 16);
    fuse_session_loop_mt(s, cfg);
    fuse_loop_cfg_destroy(cfg);
  });
}

BareFuse::~BareFuse() {
  ::umount2(impl_->mountpoint.c_str(), MNT_DETACH);  // the loop sees the device go and returns
  if (impl_->loop.joinable()) impl_->loop.join();
  fuse_session_unmount(impl_->se);
  fuse_session_destroy(impl_->se);
}

}  // namespace shoal::bench
