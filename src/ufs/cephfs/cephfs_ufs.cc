#include "ufs/cephfs/cephfs_ufs.h"

#include <atomic>
#include <cstring>
#include <cephfs/libcephfs.h>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "common/errno_status.h"
#include "common/path.h"
#include "common/units.h"
#include "common/user_names.h"

namespace shoal::ufs {
namespace {

constexpr unsigned kStatxWant = CEPH_STATX_MODE | CEPH_STATX_UID | CEPH_STATX_GID | CEPH_STATX_SIZE | CEPH_STATX_MTIME;

int64_t mtimeMs(const struct ceph_statx& stx) {
  return static_cast<int64_t>(stx.stx_mtime.tv_sec) * 1000 + stx.stx_mtime.tv_nsec / 1'000'000;
}

UfsStatus fromStatx(std::string name, const struct ceph_statx& stx) {
  UfsStatus s;
  s.name = std::move(name);
  s.is_dir = S_ISDIR(stx.stx_mode);
  s.size = s.is_dir ? 0 : stx.stx_size;
  s.mtime_ms = mtimeMs(stx);
  s.mode = stx.stx_mode & 07777;
  s.owner = userName(stx.stx_uid);
  s.group = groupName(stx.stx_gid);
  return s;
}

// A file being written: data goes to a hidden temp name in the target's directory, which becomes
// the target on close (link() when the target must not exist, so that check is atomic; rename()
// when it may be replaced).
class CephOutputStream final : public UfsOutputStream {
 public:
  CephOutputStream(std::shared_ptr<CephConnection> conn, int fd, std::string tmp, std::string target, bool overwrite)
      : conn_(std::move(conn)), fd_(fd), tmp_(std::move(tmp)), target_(std::move(target)), overwrite_(overwrite) {}
  ~CephOutputStream() override { cancel(); }

  Status write(std::span<const char> data) override {
    if (fd_ < 0) return Status(StatusCode::kFailedPrecondition, where() + ": stream is closed");
    // The call may outlive us (see CephConnection), so it writes from its own copy.
    auto copy = std::make_shared<std::string>(data.data(), data.size());
    auto n = conn_->call("write " + target_, [copy, fd = fd_, offset = offset_](ceph_mount_info* m) -> int64_t {
      size_t done = 0;
      while (done < copy->size()) {
        int r = ceph_write(m, fd, copy->data() + done, static_cast<int64_t>(copy->size() - done),
                           static_cast<int64_t>(offset + done));
        if (r < 0) return r;
        done += static_cast<size_t>(r);
      }
      return static_cast<int64_t>(done);
    });
    if (!n) return n.error();
    if (*n < 0) return errnoStatus(static_cast<int>(-*n), "write " + where());
    offset_ += static_cast<uint64_t>(*n);
    return Status::ok();
  }

  Status close() override {
    if (fd_ < 0) return Status(StatusCode::kFailedPrecondition, where() + ": stream is closed");
    auto rc = conn_->call("close " + target_, [fd = fd_, tmp = tmp_, target = target_,
                                               overwrite = overwrite_](ceph_mount_info* m) -> int64_t {
      int r = ceph_fsync(m, fd, 0);
      int c = ceph_close(m, fd);
      if (r < 0) return r;
      if (c < 0) return c;
      if (overwrite) return ceph_rename(m, tmp.c_str(), target.c_str());
      r = ceph_link(m, tmp.c_str(), target.c_str());
      if (r == 0) ceph_unlink(m, tmp.c_str());
      return r;
    });
    fd_ = -1;
    Status st = !rc ? rc.error() : *rc < 0 ? errnoStatus(static_cast<int>(-*rc), "publish " + where()) : Status::ok();
    if (!st) {
      removeTemp();
      return st;
    }
    tmp_.clear();
    return Status::ok();
  }

  void cancel() override {
    if (fd_ >= 0) {
      (void)conn_->call("close " + target_, [fd = fd_](ceph_mount_info* m) -> int64_t { return ceph_close(m, fd); });
      fd_ = -1;
    }
    removeTemp();
  }

 private:
  std::string where() const { return conn_->config().uri + target_; }
  void removeTemp() {
    if (tmp_.empty()) return;
    (void)conn_->call("unlink " + tmp_, [tmp = tmp_](ceph_mount_info* m) -> int64_t { return ceph_unlink(m, tmp.c_str()); });
    tmp_.clear();
  }
  std::shared_ptr<CephConnection> conn_;
  int fd_;
  std::string tmp_;
  std::string target_;
  bool overwrite_;
  uint64_t offset_ = 0;
};

}  // namespace

Result<int64_t> CephUfs::run(const std::string& op, const std::string& path,
                             std::function<int64_t(ceph_mount_info*)> fn) {
  auto rc = conn_->call(op + " " + path, std::move(fn));
  if (!rc) return makeError(rc.error());
  if (*rc < 0) return makeError(errnoStatus(static_cast<int>(-*rc), where(path)));
  return *rc;
}

namespace {
// A link's text, read in the call that found it (lstat semantics: links are reported as themselves).
int64_t readLink(ceph_mount_info* m, const std::string& path, std::string* out) {
  char buf[4096];
  int n = ceph_readlink(m, path.c_str(), buf, sizeof(buf));
  if (n < 0) return n;
  out->assign(buf, static_cast<size_t>(n));
  return 0;
}

// FIFOs, sockets and devices in the store are nothing Shoal serves; listings pass them by.
bool servable(const struct ceph_statx& stx) {
  return S_ISREG(stx.stx_mode) || S_ISDIR(stx.stx_mode) || S_ISLNK(stx.stx_mode);
}
}  // namespace

Result<UfsStatus> CephUfs::doGetStatus(const std::string& path) {
  auto stx = std::make_shared<struct ceph_statx>();
  auto link = std::make_shared<std::string>();
  auto rc = run("stat", path, [stx, link, path](ceph_mount_info* m) -> int64_t {
    int r = ceph_statx(m, path.c_str(), stx.get(), kStatxWant, AT_SYMLINK_NOFOLLOW);
    if (r == 0 && S_ISLNK(stx->stx_mode)) return readLink(m, path, link.get());
    return r;
  });
  if (!rc) return makeError(rc.error());
  if (!servable(*stx)) {
    return makeError(Status(StatusCode::kNotFound, where(path) + ": not a file, directory or link (a FIFO, socket or device)"));
  }
  UfsStatus st = fromStatx(path == "/" ? "" : std::string(baseName(path)), *stx);
  st.symlink_target = std::move(*link);
  return st;
}

Result<std::vector<UfsStatus>> CephUfs::doList(const std::string& path) {
  auto out = std::make_shared<std::vector<UfsStatus>>();
  auto rc = run("list", path, [out, path](ceph_mount_info* m) -> int64_t {
    struct ceph_dir_result* dir = nullptr;
    int r = ceph_opendir(m, path.c_str(), &dir);
    if (r < 0) return r;
    struct dirent de;
    struct ceph_statx stx;
    // readdirplus: names and attributes in one MDS reply per chunk, not a stat per entry.
    while ((r = ceph_readdirplus_r(m, dir, &de, &stx, kStatxWant, AT_SYMLINK_NOFOLLOW, nullptr)) > 0) {
      std::string_view name = de.d_name;
      if (name == "." || name == ".." || name.starts_with(kUfsTempPrefix) || !servable(stx)) continue;
      out->push_back(fromStatx(std::string(name), stx));
      if (S_ISLNK(stx.stx_mode) && readLink(m, joinPath(path, name), &out->back().symlink_target) < 0) {
        out->pop_back();  // gone between the listing and the read: a listing is a snapshot
      }
    }
    ceph_closedir(m, dir);
    return r;
  });
  if (!rc) return makeError(rc.error());
  return std::move(*out);
}

Result<size_t> CephUfs::readVersioned(const std::string& path, const uint64_t* size, const int64_t* mtime_ms,
                                      uint64_t offset, std::span<char> buf) {
  // Into a buffer of the call's own (it may outlive us), copied out when it answered in time.
  struct Scratch {
    std::vector<char> data;
    size_t done = 0;
    bool versioned = false;
    uint64_t size = 0;
    int64_t mtime_ms = 0;
    uint64_t found_size = 0;
    int64_t found_mtime_ms = 0;
  };
  auto sc = std::make_shared<Scratch>();
  sc->data.resize(buf.size());
  sc->versioned = size != nullptr;
  if (size) {
    sc->size = *size;
    sc->mtime_ms = *mtime_ms;
  }
  auto rc = run("read", path, [sc, path, offset](ceph_mount_info* m) -> int64_t {
    int fd = ceph_open(m, path.c_str(), O_RDONLY, 0);
    if (fd < 0) return fd;
    int64_t r = 0;
    if (sc->versioned) {
      // The open brought the file's caps: this stat is answered locally, not by the MDS.
      struct ceph_statx stx {};
      r = ceph_fstatx(m, fd, &stx, kStatxWant, 0);
      if (r == 0 && S_ISDIR(stx.stx_mode)) r = -EISDIR;
      // Only the version: owner and group names (passwd lookups) are no business of a read.
      sc->found_size = stx.stx_size;
      sc->found_mtime_ms = mtimeMs(stx);
      if (r == 0 && (sc->found_size != sc->size || sc->found_mtime_ms != sc->mtime_ms)) {
        ceph_close(m, fd);
        return 1;  // changed: no bytes
      }
    }
    while (r >= 0 && sc->done < sc->data.size()) {
      r = ceph_read(m, fd, sc->data.data() + sc->done, static_cast<int64_t>(sc->data.size() - sc->done),
                    static_cast<int64_t>(offset + sc->done));
      if (r <= 0) break;
      sc->done += static_cast<size_t>(r);
    }
    ceph_close(m, fd);
    return r < 0 ? r : 0;
  });
  if (!rc) return makeError(rc.error());
  if (*rc == 1) return makeError(changedInStore(where(path)));
  std::memcpy(buf.data(), sc->data.data(), sc->done);
  return sc->done;
}

Result<size_t> CephUfs::doRead(const std::string& path, uint64_t offset, std::span<char> buf) {
  return readVersioned(path, nullptr, nullptr, offset, buf);
}

Result<size_t> CephUfs::doReadIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                                        std::span<char> buf) {
  return readVersioned(path, &size, &mtime_ms, offset, buf);
}

Result<std::unique_ptr<UfsOutputStream>> CephUfs::doCreate(const std::string& path, const CreateOptions& opts) {
  if (path == "/") return makeError(invalidArgument(uri() + ": cannot write the root as a file"));
  if (!opts.overwrite) {
    auto existing = getStatus(path);
    if (existing) return makeError(alreadyExists(where(path)));
    if (existing.error().code() != StatusCode::kNotFound) return makeError(existing.error());
  }
  static std::atomic<uint64_t> seq{0};
  std::string tmp = joinPath(parentPath(path), fmt::format("{}{}.{}.{}", kUfsTempPrefix, ::getpid(), seq++,
                                                           std::rand()));
  auto fd = run("create", path, [tmp, mode = opts.mode](ceph_mount_info* m) -> int64_t {
    return ceph_open(m, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  });
  if (!fd) return makeError(fd.error());
  return std::unique_ptr<UfsOutputStream>(
      new CephOutputStream(conn_, static_cast<int>(*fd), std::move(tmp), path, opts.overwrite));
}

Status CephUfs::doMkdirs(const std::string& path, uint32_t mode) {
  if (path == "/") return Status::ok();
  auto rc = run("mkdirs", path, [path, mode](ceph_mount_info* m) -> int64_t {
    int r = ceph_mkdirs(m, path.c_str(), mode);
    return r == -EEXIST ? 0 : r;
  });
  if (!rc) return rc.error();
  auto st = getStatus(path);
  if (!st) return st.error();
  if (!st->is_dir) return Status(StatusCode::kNotADirectory, where(path) + ": exists and is not a directory");
  return Status::ok();
}

Status CephUfs::removeTree(const std::string& path) {
  auto entries = list(path);
  if (!entries) return entries.error();
  for (const auto& e : *entries) {
    std::string child = joinPath(path, e.name);
    if (e.is_dir) {
      SHOAL_RETURN_IF_ERROR(removeTree(child));
    } else {
      auto rc = run("unlink", child, [child](ceph_mount_info* m) -> int64_t { return ceph_unlink(m, child.c_str()); });
      if (!rc) return rc.error();
    }
  }
  auto rc = run("rmdir", path, [path](ceph_mount_info* m) -> int64_t { return ceph_rmdir(m, path.c_str()); });
  return rc ? Status::ok() : rc.error();
}

Status CephUfs::doRemove(const std::string& path, bool recursive) {
  if (path == "/") return invalidArgument(uri() + ": refusing to remove the root of an under-store");
  auto st = getStatus(path);
  if (!st) return st.error();
  if (st->is_dir && recursive) return removeTree(path);
  auto rc = run("remove", path, [path, dir = st->is_dir](ceph_mount_info* m) -> int64_t {
    return dir ? ceph_rmdir(m, path.c_str()) : ceph_unlink(m, path.c_str());
  });
  return rc ? Status::ok() : rc.error();
}

Status CephUfs::doSetModificationTime(const std::string& path, int64_t mtime_ms) {
  auto rc = run("utimes", path, [path, mtime_ms](ceph_mount_info* m) -> int64_t {
    struct ceph_statx stx{};
    stx.stx_mtime.tv_sec = mtime_ms / 1000;
    stx.stx_mtime.tv_nsec = (mtime_ms % 1000) * 1000000;
    return ceph_setattrx(m, path.c_str(), &stx, CEPH_SETATTR_MTIME, AT_SYMLINK_NOFOLLOW);
  });
  return rc ? Status::ok() : rc.error();
}

Status CephUfs::doSymlink(const std::string& target, const std::string& path) {
  auto rc = run("symlink", path, [target, path](ceph_mount_info* m) -> int64_t {
    return ceph_symlink(m, target.c_str(), path.c_str());
  });
  return rc ? Status::ok() : rc.error();
}

Status CephUfs::doSetXattr(const std::string& path, const std::string& name, const std::string& value) {
  auto rc = run("setxattr", path, [path, name, value](ceph_mount_info* m) -> int64_t {
    return ceph_lsetxattr(m, path.c_str(), name.c_str(), value.data(), value.size(), 0);
  });
  return rc ? Status::ok() : rc.error();
}

Status CephUfs::doRemoveXattr(const std::string& path, const std::string& name) {
  auto rc = run("removexattr", path, [path, name](ceph_mount_info* m) -> int64_t {
    int r = ceph_lremovexattr(m, path.c_str(), name.c_str());
    return r == -ENODATA ? 0 : r;
  });
  return rc ? Status::ok() : rc.error();
}

Status CephUfs::doRename(const std::string& src, const std::string& dst, bool replace) {
  // CephFS's rename replaces the destination, as rename(2). Without `replace` the interface
  // promises it does not: checked first, so a name created at dst in between would be replaced
  // (CephFS has no RENAME_NOREPLACE).
  if (!replace) {
    auto existing = getStatus(dst);
    if (existing) return alreadyExists(where(dst)).withContext("rename " + where(src));
    if (existing.error().code() != StatusCode::kNotFound) return existing.error();
  }
  auto rc = run("rename", src, [src, dst](ceph_mount_info* m) -> int64_t { return ceph_rename(m, src.c_str(), dst.c_str()); });
  return rc ? Status::ok() : rc.error().withContext(fmt::format("rename to {}", dst));
}

Status registerCephUfs(UfsRegistry& registry) {
  return registry.add("cephfs", [](const UfsUri& uri, const UfsOptions& options) -> Result<std::unique_ptr<Ufs>> {
    CephConfig config;
    config.uri = uri.toString();
    config.fs_name = uri.authority;
    config.root = uri.path;
    const char* env_conf = std::getenv("CEPH_CONF");
    config.conf_path = env_conf && *env_conf ? env_conf : "/etc/ceph/ceph.conf";
    for (const auto& [k, v] : options) {
      if (k == "ceph.conf") {
        config.conf_path = v;
      } else if (k == "ceph.client.id") {
        config.client_id = v;
      } else if (k == "ceph.keyring") {
        config.keyring = v;
      } else if (k == "ceph.timeout") {
        auto ms = parseDurationMs(v);
        if (!ms || *ms <= 0) {
          return makeError(invalidArgument(fmt::format("{}: ceph.timeout '{}' is not a positive duration (e.g. 10s)",
                                                       config.uri, v)));
        }
        config.timeout = std::chrono::milliseconds(*ms);
      } else {
        return makeError(invalidArgument(fmt::format(
            "{}: unknown mount option '{}' for cephfs:// (known: ceph.conf, ceph.client.id, ceph.keyring, ceph.timeout)",
            config.uri, k)));
      }
    }
    if (::access(config.conf_path.c_str(), R_OK) != 0) {
      return makeError(errnoStatus(errno, fmt::format("{}: ceph.conf {}", config.uri, config.conf_path)));
    }
    auto conn = CephConnection::open(std::move(config));
    if (!conn) return makeError(conn.error());
    return std::unique_ptr<Ufs>(new CephUfs(std::move(*conn)));
  });
}

}  // namespace shoal::ufs
