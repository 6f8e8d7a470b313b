#include "ufs/local/local_ufs.h"

#include <atomic>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/errno_status.h"
#include "common/path.h"
#include "common/user_names.h"

namespace shoal::ufs {
namespace {

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

// The data goes to an unnamed file (O_TMPFILE) that gets its name only on close: a writer killed
// midway leaves nothing in the store. File systems without O_TMPFILE get a hidden temp name.
class LocalOutputStream final : public UfsOutputStream {
 public:
  // `tmp` empty: `fd` is an unnamed O_TMPFILE file.
  LocalOutputStream(int fd, std::string tmp, std::string target, bool overwrite)
      : fd_(fd), tmp_(std::move(tmp)), target_(std::move(target)), overwrite_(overwrite), anonymous_(tmp_.empty()) {}
  ~LocalOutputStream() override { cancel(); }

  Status write(std::span<const char> data) override {
    if (fd_ < 0) return Status(StatusCode::kFailedPrecondition, target_ + ": stream is closed");
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errnoStatus(errno, "write " + target_);
      }
      done += static_cast<size_t>(n);
    }
    return Status::ok();
  }

  Status close() override {
    if (fd_ < 0) return Status(StatusCode::kFailedPrecondition, target_ + ": stream is closed");
    if (::fsync(fd_) != 0) {
      Status st = errnoStatus(errno, "fsync " + target_);
      cancel();
      return st;
    }
    if (anonymous_) {
      // Name the unnamed file: directly when the target must not exist (linkat refuses an
      // existing name atomically), or through a temp name that rename() then moves over it.
      static std::atomic<uint64_t> seq{0};
      tmp_ = overwrite_ ? fmt::format("{}/{}{}.n{}", std::filesystem::path(target_).parent_path().string(),
                                      kUfsTempPrefix, ::getpid(), seq++)
                        : target_;
      std::string self = fmt::format("/proc/self/fd/{}", fd_);
      int rc = ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp_.c_str(), AT_SYMLINK_FOLLOW);
      ::close(fd_);
      fd_ = -1;
      if (rc != 0) {
        Status st = errnoStatus(errno, target_);
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
    // link() refuses an existing target atomically; rename() replaces it.
    int rc = overwrite_ ? ::rename(tmp_.c_str(), target_.c_str()) : ::link(tmp_.c_str(), target_.c_str());
    if (rc != 0) {
      Status st = errnoStatus(errno, target_);
      ::unlink(tmp_.c_str());
      return st;
    }
    if (!overwrite_) ::unlink(tmp_.c_str());
    tmp_.clear();
    return Status::ok();
  }

  void cancel() override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (!tmp_.empty()) {
      ::unlink(tmp_.c_str());
      tmp_.clear();
    }
  }

 private:
  int fd_;
  std::string tmp_;
  std::string target_;
  bool overwrite_;
  bool anonymous_;
};

}  // namespace

Result<UfsStatus> LocalUfs::getStatus(const std::string& path) {
  struct stat st;
  if (::stat(full(path).c_str(), &st) != 0) return makeError(errnoStatus(errno, where(path)));
  return fromStat(std::string(baseName(path)), st);
}

Result<std::vector<UfsStatus>> LocalUfs::list(const std::string& path) {
  std::string dir = full(path);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return makeError(errnoStatus(errno, where(path)));
  DIR* d = ::fdopendir(dfd);
  if (d == nullptr) {
    int err = errno;
    ::close(dfd);
    return makeError(errnoStatus(err, where(path)));
  }
  std::vector<UfsStatus> out;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == ".." || name.starts_with(kUfsTempPrefix)) continue;
    struct stat st;
    // The entry may vanish between readdir and stat; a listing is a snapshot, so skip it.
    if (::fstatat(dfd, e->d_name, &st, 0) != 0) continue;
    out.push_back(fromStat(std::string(name), st));
  }
  ::closedir(d);
  return out;
}

Result<size_t> LocalUfs::read(const std::string& path, uint64_t offset, std::span<char> buf) {
  int fd = ::open(full(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return makeError(errnoStatus(errno, where(path)));
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = ::pread(fd, buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return makeError(errnoStatus(err, "read " + where(path)));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return done;
}

Result<std::unique_ptr<UfsOutputStream>> LocalUfs::create(const std::string& path, const CreateOptions& opts) {
  static std::atomic<uint64_t> seq{0};
  std::string target = full(path);
  if (!opts.overwrite && ::access(target.c_str(), F_OK) == 0) {
    return makeError(alreadyExists(where(path)));
  }
  int fd = ::open(full(parentPath(path)).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, opts.mode);
  if (fd >= 0) return std::unique_ptr<UfsOutputStream>(new LocalOutputStream(fd, "", target, opts.overwrite));
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    return makeError(errnoStatus(errno, "create " + where(path)));
  }
  std::string tmp = full(joinPath(parentPath(path), fmt::format("{}{}.{}", kUfsTempPrefix, ::getpid(), seq++)));
  fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, opts.mode);
  if (fd < 0) return makeError(errnoStatus(errno, "create " + where(path)));
  return std::unique_ptr<UfsOutputStream>(new LocalOutputStream(fd, tmp, target, opts.overwrite));
}

Status LocalUfs::mkdirs(const std::string& path, uint32_t mode) {
  std::error_code ec;
  std::filesystem::create_directories(full(path), ec);
  if (ec) return errnoStatus(ec.value(), "mkdirs " + where(path));
  ::chmod(full(path).c_str(), mode);
  return Status::ok();
}

Status LocalUfs::remove(const std::string& path, bool recursive) {
  if (path == "/") return invalidArgument(uri_ + ": refusing to remove the root of an under-store");
  std::string p = full(path);
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return errnoStatus(errno, where(path));
  if (S_ISDIR(st.st_mode)) {
    if (recursive) {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
      if (ec) return errnoStatus(ec.value(), "remove " + where(path));
      return Status::ok();
    }
    if (::rmdir(p.c_str()) != 0) return errnoStatus(errno, where(path));
    return Status::ok();
  }
  if (::unlink(p.c_str()) != 0) return errnoStatus(errno, where(path));
  return Status::ok();
}

Status LocalUfs::rename(const std::string& src, const std::string& dst) {
  // renameat2(RENAME_NOREPLACE) makes "destination must not exist" atomic.
  if (::renameat2(AT_FDCWD, full(src).c_str(), AT_FDCWD, full(dst).c_str(), RENAME_NOREPLACE) == 0) {
    return Status::ok();
  }
  int err = errno;
  if (err == EINVAL || err == ENOSYS) {
    // Filesystems without RENAME_NOREPLACE (older NFS): check, then rename. Not atomic: a file
    // created at dst in between would be replaced.
    struct stat st;
    if (::lstat(full(dst).c_str(), &st) == 0) return alreadyExists(where(dst)).withContext("rename " + where(src));
    if (::rename(full(src).c_str(), full(dst).c_str()) == 0) return Status::ok();
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
