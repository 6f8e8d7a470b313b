#include "fuse/fuse_fs.h"

#include "fuse/fuse_metrics.h"

#include <cerrno>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "common/logging.h"
#include "common/path.h"
#include "common/errno_status.h"
#include "fuse/fuse_shell.h"

namespace shoal::fuse {
namespace {

constexpr size_t kMaxName = 255;

bool isNumber(const std::string& s) {
  return !s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos;
}

uid_t uidOf(const std::string& user) {
  static std::mutex mu;
  static std::unordered_map<std::string, uid_t> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(user);
  if (it != cache.end()) return it->second;
  struct passwd pw, *out = nullptr;
  char buf[1024];
  // A user with no name is stored as its number (as ls -l shows it).
  uid_t uid = ::getpwnam_r(user.c_str(), &pw, buf, sizeof(buf), &out) == 0 && out ? out->pw_uid
              : isNumber(user)                                                   ? std::stoul(user)
                                                                                 : ::getuid();
  return cache[user] = uid;
}

gid_t gidOf(const std::string& group) {
  static std::mutex mu;
  static std::unordered_map<std::string, gid_t> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(group);
  if (it != cache.end()) return it->second;
  struct group gr, *out = nullptr;
  char buf[1024];
  gid_t gid = ::getgrnam_r(group.c_str(), &gr, buf, sizeof(buf), &out) == 0 && out ? out->gr_gid
              : isNumber(group)                                                  ? std::stoul(group)
                                                                                 : ::getgid();
  return cache[group] = gid;
}

}  // namespace

FuseFs::FuseFs(const Configuration& c, const std::string& root)
    : conf(c),
      nodes(root),
      entry_timeout(static_cast<double>(c.getDurationMs(keys::kFuseEntryTimeout)) / 1000.0),
      attr_timeout(static_cast<double>(c.getDurationMs(keys::kFuseAttrTimeout)) / 1000.0),
      keep_cache(c.getBool(keys::kFuseKeepCache)) {}

FuseFs::~FuseFs() = default;

std::unique_ptr<LiveConfig::Listener> FuseFs::followConfig(LiveConfig& live) {
  return live.listen({std::string(keys::kFuseEntryTimeout), std::string(keys::kFuseAttrTimeout)},
                     [this](const LiveConfig::Snapshot& s) {
                       entry_timeout.store(static_cast<double>(s.conf->getDurationMs(keys::kFuseEntryTimeout)) / 1000.0);
                       attr_timeout.store(static_cast<double>(s.conf->getDurationMs(keys::kFuseAttrTimeout)) / 1000.0);
                     });
}

void FuseFs::connect() {
  client = std::make_unique<client::Context>(conf);
  master = &client->master();
  reader = &client->reader();
  vfs = std::make_unique<vfs::Vfs>(*client);
  shell = std::make_unique<FuseShell>(*this, conf.getString(keys::kFuseShellPrefix));
}

int nameErrno(const char* name) {
  size_t len = std::strlen(name);
  if (len > kMaxName) return ENAMETOOLONG;
  for (size_t i = 0; i < len; ++i) {
    if (static_cast<unsigned char>(name[i]) < 0x20 || name[i] == 0x7f) return EINVAL;
  }
  return 0;
}

FuseFs* fs(fuse_req_t req) { return static_cast<FuseFs*>(fuse_req_userdata(req)); }

void replyError(fuse_req_t req, const Status& st, const char* op) {
  int err = statusErrno(st);
  // Causes the caller's errno cannot tell: an I/O error, or which limit was full.
  if (err == EIO || err == ENOSPC || err == EFBIG) logger("fuse")->warn("{}: {}", op, st.toString());
  if (const FuseOpMetrics* m = opMetrics(req)) m->recordError(op, err);
  FuseAudit::noteError(err);
  fuse_reply_err(req, err);
}

Result<std::string> FuseFs::childPath(uint64_t parent, const char* name) const {
  auto dir = nodes.path(parent);
  if (!dir) return makeError(Status(StatusCode::kNotFound, "unknown directory inode " + std::to_string(parent)));
  size_t len = std::strlen(name);
  if (len == 0 || len > kMaxName) return makeError(invalidArgument(std::string("bad name length: ") + std::to_string(len)));
  for (size_t i = 0; i < len; ++i) {
    // Control characters are legal in POSIX names but invite trouble in every tool; refuse them.
    if (static_cast<unsigned char>(name[i]) < 0x20 || name[i] == 0x7f) {
      return makeError(invalidArgument(*dir + ": a name with control characters"));
    }
  }
  return joinPath(*dir, name);
}

uint32_t typeBits(const proto::FileInfo& f) {
  if (f.is_dir()) return S_IFDIR;
  switch (f.type()) {
    case proto::FILE_TYPE_SYMLINK: return S_IFLNK;
    case proto::FILE_TYPE_FIFO: return S_IFIFO;
    case proto::FILE_TYPE_SOCKET: return S_IFSOCK;
    case proto::FILE_TYPE_CHAR_DEVICE: return S_IFCHR;
    case proto::FILE_TYPE_BLOCK_DEVICE: return S_IFBLK;
    default: return S_IFREG;
  }
}

void FuseFs::fillStat(const proto::FileInfo& f, uint64_t ino, struct stat* st) const {
  *st = {};
  st->st_ino = ino;
  st->st_mode = typeBits(f) | (f.mode() & 07777);
  st->st_rdev = static_cast<dev_t>(f.rdev());
  st->st_nlink = f.is_dir() ? 2 : 1;
  st->st_size = static_cast<off_t>(f.size());
  st->st_blksize = 4096;
  st->st_blocks = static_cast<blkcnt_t>((f.size() + 511) / 512);
  st->st_uid = uidOf(f.owner());
  st->st_gid = gidOf(f.group());
  st->st_mtim.tv_sec = f.mtime_ms() / 1000;
  st->st_mtim.tv_nsec = (f.mtime_ms() % 1000) * 1000000;
  st->st_atim = st->st_mtim;
  if (f.atime_ms() != 0) {
    st->st_atim.tv_sec = f.atime_ms() / 1000;
    st->st_atim.tv_nsec = (f.atime_ms() % 1000) * 1000000;
  }
  int64_t ctime = f.ctime_ms() != 0 ? f.ctime_ms() : f.mtime_ms();
  st->st_ctim.tv_sec = ctime / 1000;
  st->st_ctim.tv_nsec = (ctime % 1000) * 1000000;
}

void FuseFs::remember(uint64_t ino, const proto::FileInfo& f) {
  if (attr_timeout <= 0 || f.is_dir()) return;
  std::lock_guard lock(mu);
  given[ino] = {f, std::chrono::steady_clock::now()};
}

std::optional<proto::FileInfo> FuseFs::recent(uint64_t ino) {
  std::lock_guard lock(mu);
  auto it = given.find(ino);
  if (it == given.end()) return std::nullopt;
  if (std::chrono::steady_clock::now() - it->second.second > std::chrono::duration<double>(attr_timeout.load())) {
    given.erase(it);
    return std::nullopt;
  }
  return it->second.first;
}

void FuseFs::forgetIno(uint64_t ino) {
  std::lock_guard lock(mu);
  given.erase(ino);
}

fuse_entry_param FuseFs::entry(const proto::FileInfo& f, const std::string& path) {
  fuse_entry_param e{};
  e.ino = nodes.lookup(path);
  remember(e.ino, f);
  e.generation = 1;
  e.entry_timeout = entry_timeout;
  e.attr_timeout = attr_timeout;
  fillStat(f, e.ino, &e.attr);
  return e;
}

void FuseFs::replyAttr(fuse_req_t req, uint64_t ino, const std::string& path, const char* op) {
  auto info = vfs->attributes(path);
  if (!info) return replyError(req, info.error(), op);
  remember(ino, *info);
  struct stat st;
  fillStat(*info, ino, &st);
  fuse_reply_attr(req, &st, attr_timeout);
}

}  // namespace shoal::fuse
