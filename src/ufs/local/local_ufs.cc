#include "ufs/local/local_ufs.h"

#include <atomic>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <filesystem>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/errno_status.h"
#include "common/path.h"
#include "common/unique_fd.h"
#include "common/user_names.h"

namespace shoal::ufs {
namespace {

std::string procPath(int fd) { return fmt::format("/proc/self/fd/{}", fd); }

UfsStatus fromStat(std::string name, const struct stat& st) {
  UfsStatus s;
  s.name = std::move(name);
  s.is_dir = S_ISDIR(st.st_mode);
  s.size = s.is_dir ? 0 : static_cast<uint64_t>(st.st_size);
  s.mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  s.mode = st.st_mode & 07777;
  s.owner = userName(st.st_uid);
  s.group = groupName(st.st_gid);
  return s;
}

// What the store holds under `name` in `dirfd`, a symbolic link reported as itself (with its
// text, never followed). FIFOs, sockets and devices in a store are nothing Shoal can serve (a
// read of a FIFO would wait for a writer): NotFound, so listings and lookups pass them by.
Result<UfsStatus> statEntry(int dirfd, const char* name, std::string display) {
  struct stat st;
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return makeError(errnoStatus(errno, display));
  if (S_ISLNK(st.st_mode)) {
    char buf[PATH_MAX];
    ssize_t n = ::readlinkat(dirfd, name, buf, sizeof(buf));
    if (n < 0) return makeError(errnoStatus(errno, display));
    UfsStatus s = fromStat(std::string(baseName(display)), st);
    s.symlink_target.assign(buf, static_cast<size_t>(n));
    s.size = s.symlink_target.size();
    return s;
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    return makeError(Status(StatusCode::kNotFound, display + ": not a file, directory or link (a FIFO, socket or device)"));
  }
  return fromStat(std::string(baseName(display)), st);
}

// The data goes to an unnamed file (O_TMPFILE) in the target's directory that gets its name only on
// close: a writer killed midway leaves nothing in the store. File systems without O_TMPFILE get a
// hidden temp name. Names are relative to the directory's descriptor, opened beneath the root.
class LocalOutputStream final : public UfsOutputStream {
 public:
  // `tmp` empty: `fd` is an unnamed O_TMPFILE file. Takes ownership of `dir` and `fd`.
  LocalOutputStream(int dir, int fd, std::string tmp, std::string name, std::string where, bool overwrite)
      : dir_(dir), fd_(fd), tmp_(std::move(tmp)), name_(std::move(name)), where_(std::move(where)),
        overwrite_(overwrite), anonymous_(tmp_.empty()) {}
  ~LocalOutputStream() override {
    cancel();
    ::close(dir_);
  }

  Status write(std::span<const char> data) override {
    if (fd_ < 0) return Status(StatusCode::kFailedPrecondition, where_ + ": stream is closed");
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errnoStatus(errno, "write " + where_);
      }
      done += static_cast<size_t>(n);
    }
    return Status::ok();
  }

  // Appends the whole file `src` (open for reading) by copy_file_range(2); read(2) and write(2)
  // where the kernel will not copy between the two (another file system, an old kernel).
  Status appendFrom(int src, const std::string& what) {
    if (fd_ < 0) return Status(StatusCode::kFailedPrecondition, where_ + ": stream is closed");
    while (true) {
      ssize_t n = ::copy_file_range(src, nullptr, fd_, nullptr, 64 << 20, 0);
      if (n > 0) continue;
      if (n == 0) return Status::ok();
      if (errno == EINTR) continue;
      if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
        return errnoStatus(errno, "copy " + what + " into " + where_);
      }
      break;
    }
    std::vector<char> buf(1 << 20);
    while (true) {
      ssize_t n = ::read(src, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return errnoStatus(errno, "read " + what);
      if (n == 0) return Status::ok();
      SHOAL_RETURN_IF_ERROR(write({buf.data(), static_cast<size_t>(n)}));
    }
  }

  Status close() override {
    if (fd_ < 0) return Status(StatusCode::kFailedPrecondition, where_ + ": stream is closed");
    if (::fsync(fd_) != 0) {
      Status st = errnoStatus(errno, "fsync " + where_);
      cancel();
      return st;
    }
    if (anonymous_) {
      // Name the unnamed file: directly when the target must not exist (linkat refuses an
      // existing name atomically), or through a temp name that renameat() then moves over it.
      static std::atomic<uint64_t> seq{0};
      tmp_ = overwrite_ ? fmt::format("{}{}.n{}", kUfsTempPrefix, ::getpid(), seq++) : name_;
      int rc = ::linkat(AT_FDCWD, procPath(fd_).c_str(), dir_, tmp_.c_str(), AT_SYMLINK_FOLLOW);
      ::close(fd_);
      fd_ = -1;
      if (rc != 0) {
        Status st = errnoStatus(errno, where_);
        tmp_.clear();
        return st;
      }
      if (!overwrite_) {
        tmp_.clear();
        return Status::ok();
      }
    } else {
      ::close(fd_);
      fd_ = -1;
    }
    // linkat() refuses an existing target atomically; renameat() replaces it.
    int rc = overwrite_ ? ::renameat(dir_, tmp_.c_str(), dir_, name_.c_str())
                        : ::linkat(dir_, tmp_.c_str(), dir_, name_.c_str(), 0);
    if (rc != 0) {
      Status st = errnoStatus(errno, where_);
      ::unlinkat(dir_, tmp_.c_str(), 0);
      tmp_.clear();
      return st;
    }
    if (!overwrite_) ::unlinkat(dir_, tmp_.c_str(), 0);
    tmp_.clear();
    return Status::ok();
  }

  void cancel() override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (!tmp_.empty()) {
      ::unlinkat(dir_, tmp_.c_str(), 0);
      tmp_.clear();
    }
  }

 private:
  int dir_;
  int fd_;
  std::string tmp_;
  std::string name_;
  std::string where_;
  bool overwrite_;
  bool anonymous_;
};

}  // namespace

LocalUfs::LocalUfs(std::string uri, std::string root) : uri_(std::move(uri)), root_(std::move(root)) {
  root_fd_ = ::open(root_.empty() ? "/" : root_.c_str(), O_PATH | O_CLOEXEC);
  if (root_fd_ < 0) root_error_ = errnoStatus(errno, uri_);
}

LocalUfs::~LocalUfs() {
  if (root_fd_ >= 0) ::close(root_fd_);
}

Result<int> LocalUfs::openBeneath(const std::string& path, int flags, mode_t mode) const {
  if (root_fd_ < 0) return makeError(root_error_);
  std::string rel = path == "/" ? "." : path.substr(1);
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    long fd = ::syscall(SYS_openat2, root_fd_, rel.c_str(), &how, sizeof(how));
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EINTR || errno == EAGAIN) continue;
    if (errno == EXDEV || errno == ELOOP) {
      return makeError(Status(StatusCode::kPermissionDenied,
                              where(path) + ": a symbolic link there leads outside the store's root; not followed"));
    }
    return makeError(errnoStatus(errno, where(path)));
  }
}

Result<std::pair<int, std::string>> LocalUfs::openParent(const std::string& path) const {
  if (path == "/") return makeError(invalidArgument(uri_ + ": the root has no parent"));
  auto dir = openBeneath(parentPath(path), O_PATH | O_DIRECTORY);
  if (!dir) return makeError(dir.error());
  return std::make_pair(*dir, std::string(baseName(path)));
}

Result<UfsStatus> LocalUfs::doGetStatus(const std::string& path) {
  if (path == "/") {
    if (root_fd_ < 0) return makeError(root_error_);
    struct stat st;
    if (::fstat(root_fd_, &st) != 0) return makeError(errnoStatus(errno, where(path)));
    return fromStat("", st);
  }
  // As lstat(2): the last component is reported as itself; links before it must stay inside.
  auto parent = openParent(path);
  if (!parent) return makeError(parent.error());
  UniqueFd dir(parent->first);
  auto st = statEntry(dir.get(), parent->second.c_str(), where(path));
  if (!st) return st;
  st->name = parent->second;
  return st;
}

Result<std::vector<UfsStatus>> LocalUfs::doList(const std::string& path) {
  auto dfd = openBeneath(path, O_RDONLY | O_DIRECTORY);
  if (!dfd) return makeError(dfd.error());
  DIR* d = ::fdopendir(*dfd);
  if (d == nullptr) {
    int err = errno;
    ::close(*dfd);
    return makeError(errnoStatus(err, where(path)));
  }
  std::vector<UfsStatus> out;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == ".." || name.starts_with(kUfsTempPrefix)) continue;
    // The entry may vanish between readdir and stat; a listing is a snapshot, so skip it.
    auto st = statEntry(*dfd, e->d_name, where(joinPath(path, name)));
    if (!st) continue;
    st->name = std::string(name);
    out.push_back(std::move(*st));
  }
  ::closedir(d);
  return out;
}

Result<size_t> LocalUfs::doRead(const std::string& path, uint64_t offset, std::span<char> buf) {
  // O_NONBLOCK: a FIFO planted in the store opens at once (and fails the read) instead of hanging.
  auto opened = openBeneath(path, O_RDONLY | O_NONBLOCK);
  if (!opened) return makeError(opened.error());
  UniqueFd fd(*opened);
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = ::pread(fd.get(), buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return makeError(errnoStatus(errno, "read " + where(path)));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

Result<std::unique_ptr<UfsOutputStream>> LocalUfs::doCreate(const std::string& path, const CreateOptions& opts) {
  static std::atomic<uint64_t> seq{0};
  auto parent = openParent(path);
  if (!parent) return makeError(parent.error().withContext("create " + where(path)));
  UniqueFd dir(parent->first);
  const std::string& name = parent->second;
  struct stat st;
  if (!opts.overwrite && ::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    return makeError(alreadyExists(where(path)));
  }
  int fd = ::openat(dir.get(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, opts.mode);
  if (fd >= 0) {
    return std::unique_ptr<UfsOutputStream>(
        new LocalOutputStream(dir.release(), fd, "", name, where(path), opts.overwrite));
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    return makeError(errnoStatus(errno, "create " + where(path)));
  }
  std::string tmp = fmt::format("{}{}.{}", kUfsTempPrefix, ::getpid(), seq++);
  fd = ::openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, opts.mode);
  if (fd < 0) return makeError(errnoStatus(errno, "create " + where(path)));
  return std::unique_ptr<UfsOutputStream>(
      new LocalOutputStream(dir.release(), fd, tmp, name, where(path), opts.overwrite));
}

Status LocalUfs::doMkdirs(const std::string& path, uint32_t mode) {
  // One component at a time, each opened beneath the root before the next is made inside it.
  auto opened = openBeneath("/", O_PATH | O_DIRECTORY);
  if (!opened) return opened.error().withContext("mkdirs");
  UniqueFd cur(*opened);
  std::string so_far;
  for (std::string_view comp : pathComponents(path)) {
    so_far = joinPath(so_far.empty() ? "/" : so_far, comp);
    std::string name(comp);
    if (::mkdirat(cur.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
      return errnoStatus(errno, "mkdirs " + where(so_far));
    }
    auto next = openBeneath(so_far, O_PATH | O_DIRECTORY);
    if (!next) return next.error().withContext("mkdirs");
    cur.reset(*next);
  }
  (void)::chmod(procPath(cur.get()).c_str(), mode);  // best effort, as before: the store may refuse it
  return Status::ok();
}

Status LocalUfs::doRemove(const std::string& path, bool recursive) {
  if (path == "/") return invalidArgument(uri_ + ": refusing to remove the root of an under-store");
  auto parent = openParent(path);
  if (!parent) return parent.error();
  UniqueFd dir(parent->first);
  const char* name = parent->second.c_str();
  struct stat st;
  if (::fstatat(dir.get(), name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errnoStatus(errno, where(path));
  if (S_ISDIR(st.st_mode)) {
    if (recursive) {
      // Through the directory's descriptor; remove_all never follows links inside.
      std::error_code ec;
      std::filesystem::remove_all(procPath(dir.get()) + "/" + parent->second, ec);
      if (ec) return errnoStatus(ec.value(), "remove " + where(path));
      return Status::ok();
    }
    if (::unlinkat(dir.get(), name, AT_REMOVEDIR) != 0) return errnoStatus(errno, where(path));
    return Status::ok();
  }
  if (::unlinkat(dir.get(), name, 0) != 0) return errnoStatus(errno, where(path));
  return Status::ok();
}

Status LocalUfs::doSetModificationTime(const std::string& path, int64_t mtime_ms) {
  auto parent = openParent(path);
  if (!parent) return parent.error();
  UniqueFd dir(parent->first);
  struct timespec times[2];
  times[0].tv_nsec = UTIME_OMIT;  // atime as it is
  times[1].tv_sec = mtime_ms / 1000;
  times[1].tv_nsec = (mtime_ms % 1000) * 1000000;
  if (times[1].tv_nsec < 0) {
    times[1].tv_sec -= 1;
    times[1].tv_nsec += 1000000000;
  }
  if (::utimensat(dir.get(), parent->second.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return errnoStatus(errno, "set the time of " + where(path));
  }
  return Status::ok();
}

Status LocalUfs::doSymlink(const std::string& target, const std::string& path) {
  auto parent = openParent(path);
  if (!parent) return parent.error();
  UniqueFd dir(parent->first);
  if (::symlinkat(target.c_str(), dir.get(), parent->second.c_str()) != 0) {
    return errnoStatus(errno, "symlink " + where(path));
  }
  return Status::ok();
}

// Through an O_PATH descriptor opened beneath the root without following a final link, then the
// descriptor's /proc name: fsetxattr does not take O_PATH descriptors, and opening the file for
// reading would need read permission on it (and could block on a FIFO). `call` gets that name
// and returns 0 or -1 with errno.
Status LocalUfs::onFileItself(const std::string& path, const std::string& op, const std::string& name,
                              const std::function<int(const char*)>& call) const {
  auto opened = openBeneath(path, O_PATH | O_NOFOLLOW);
  if (!opened) return opened.error().withContext(op);
  UniqueFd fd(*opened);
  const std::string proc = "/proc/self/fd/" + std::to_string(fd.get());
  if (call(proc.c_str()) == 0) return Status::ok();
  const std::string what = op + " " + name + " on " + where(path);
  // ENOTSUP: the file system under the root keeps no user.* attributes.
  if (errno == ENOTSUP) return Status(StatusCode::kNotSupported, what + ": the store keeps no extended attributes");
  return errnoStatus(errno, what);
}

Status LocalUfs::doSetXattr(const std::string& path, const std::string& name, const std::string& value) {
  return onFileItself(path, "setxattr", name, [&](const char* at) {
    return ::setxattr(at, name.c_str(), value.data(), value.size(), 0);
  });
}

Status LocalUfs::doRemoveXattr(const std::string& path, const std::string& name) {
  return onFileItself(path, "removexattr", name, [&](const char* at) {
    return ::removexattr(at, name.c_str()) != 0 && errno != ENODATA ? -1 : 0;
  });
}

Status LocalUfs::doConcat(const std::vector<std::string>& srcs, const std::string& dst) {
  auto out = doCreate(dst, CreateOptions{.mode = 0644, .overwrite = true});
  if (!out) return out.error().withContext("concat");
  auto* stream = static_cast<LocalOutputStream*>(out->get());
  for (const auto& src : srcs) {
    // O_NONBLOCK: a FIFO planted in the store opens at once, and is refused as no regular file.
    auto opened = openBeneath(src, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
    if (!opened) return opened.error().withContext("concat");
    UniqueFd fd(*opened);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return errnoStatus(errno, "concat " + where(src));
    if (!S_ISREG(st.st_mode)) return invalidArgument("concat: " + where(src) + " is not a regular file");
    SHOAL_RETURN_IF_ERROR(stream->appendFrom(fd.get(), where(src)));
  }
  return stream->close();  // fsync, then named over dst; the stream's destructor removes a failure's temp file
}

Status LocalUfs::doRename(const std::string& src, const std::string& dst, bool replace) {
  auto sp = openParent(src);
  if (!sp) return sp.error().withContext("rename");
  UniqueFd sdir(sp->first);
  auto dp = openParent(dst);
  if (!dp) return dp.error().withContext("rename " + where(src));
  UniqueFd ddir(dp->first);
  const char* sname = sp->second.c_str();
  const char* dname = dp->second.c_str();
  if (replace) {
    // rename(2) replaces a file or an empty directory in one step.
    if (::renameat(sdir.get(), sname, ddir.get(), dname) == 0) return Status::ok();
    return errnoStatus(errno, fmt::format("rename {} over {}", where(src), dst));
  }
  // renameat2(RENAME_NOREPLACE) makes "destination must not exist" atomic.
  if (::renameat2(sdir.get(), sname, ddir.get(), dname, RENAME_NOREPLACE) == 0) return Status::ok();
  int err = errno;
  if (err == EINVAL || err == ENOSYS) {
    // Filesystems without RENAME_NOREPLACE (older NFS): check, then rename. Not atomic: a file
    // created at dst in between would be replaced.
    struct stat st;
    if (::fstatat(ddir.get(), dname, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      return alreadyExists(where(dst)).withContext("rename " + where(src));
    }
    if (::renameat(sdir.get(), sname, ddir.get(), dname) == 0) return Status::ok();
    err = errno;
  }
  return errnoStatus(err, fmt::format("rename {} to {}", where(src), dst));
}

Status registerLocalUfs(UfsRegistry& registry) {
  return registry.add("file", [](const UfsUri& uri, const UfsOptions& options) -> Result<std::unique_ptr<Ufs>> {
    if (!uri.authority.empty()) {
      return makeError(invalidArgument(fmt::format("{}: file:// URIs take no host (write file:///dir)", uri.toString())));
    }
    for (const auto& [k, v] : options) {
      return makeError(invalidArgument(fmt::format("{}: unknown mount option '{}' for file://", uri.toString(), k)));
    }
    return std::unique_ptr<Ufs>(new LocalUfs(uri.toString(), uri.path == "/" ? "" : uri.path));
  });
}

}  // namespace shoal::ufs
