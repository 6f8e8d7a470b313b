#include "vfs/open_file.h"

#include <chrono>
#include <fmt/format.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "client/file_writer.h"
#include "common/errno_status.h"
#include "common/logging.h"
#include "common/path.h"

namespace shoal::vfs {
namespace {

constexpr size_t kCopyChunk = 1 << 20;

int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A name beside `path` for the next version while it is written: hidden (a dot file), and unique
// without asking anyone (64 random bits).
std::string temporaryBeside(const std::string& path) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return joinPath(parentPath(path), fmt::format(".shoal-w.{:016x}", rng()));
}

// The mode after an unprivileged write: no set-user-ID; no set-group-ID where it means "run as the
// group" (with group execute; without it, it marks mandatory locking and stays).
uint32_t withoutSetId(uint32_t mode) {
  mode &= ~static_cast<uint32_t>(S_ISUID);
  if (mode & S_IXGRP) mode &= ~static_cast<uint32_t>(S_ISGID);
  return mode;
}

Status tooLarge(const std::string& path, uint64_t size, uint64_t capacity) {
  return Status(StatusCode::kFileTooLarge,
                fmt::format("{}: {} bytes is more than the staging area holds ({} bytes)", path, size, capacity));
}

}  // namespace

OpenFile::OpenFile(VfsDeps deps, std::string path, proto::FileInfo base, bool truncated)
    : deps_(deps), path_(std::move(path)), base_(std::move(base)) {
  size_ = truncated ? 0 : base_.size();
  mtime_ms_ = truncated ? wallMs() : base_.mtime_ms();
  // An emptied file needs nothing of its base: it is staged (empty) from the start.
  if (truncated) {
    staged_ = true;
    dirty_ = true;
  }
}

OpenFile::~OpenFile() {
  if (dirty_ && !orphan_) logger("vfs")->warn("{}: closed with unpublished changes; they are dropped", path_);
  deps_.staging.release(reserved_);
}

Status OpenFile::reserveLocked(uint64_t size) {
  if (size <= reserved_) return Status::ok();
  SHOAL_RETURN_IF_ERROR(deps_.staging.reserve(size - reserved_, path_));
  reserved_ = size;
  return Status::ok();
}

Status OpenFile::stageLocked() {
  if (staged_ && fd_.get() >= 0) return Status::ok();
  auto fd = deps_.staging.newFile();
  if (!fd) return fd.error();
  fd_ = std::move(*fd);
  if (!staged_) {
    // The version the file was opened on becomes the starting content. (Stores that write in place,
    // file:// and cephfs://, could avoid this copy for appends; see docs/architecture.md.)
    SHOAL_RETURN_IF_ERROR(reserveLocked(size_));
    std::vector<char> buf(kCopyChunk);
    uint64_t done = 0;
    while (done < size_) {
      auto n = deps_.reader.pread(base_, done, {buf.data(), static_cast<size_t>(std::min<uint64_t>(buf.size(), size_ - done))});
      if (!n) return n.error().withContext("stage " + path_ + " for writing");
      if (*n == 0) {
        return Status(StatusCode::kIoError, fmt::format("stage {} for writing: the file ended at {} of {} bytes", path_,
                                                        done, size_));
      }
      if (::pwrite(fd_.get(), buf.data(), *n, static_cast<off_t>(done)) != static_cast<ssize_t>(*n)) {
        return errnoStatus(errno, "staging " + path_);
      }
      done += *n;
    }
    staged_ = true;
  }
  return Status::ok();
}

Result<size_t> OpenFile::write(uint64_t offset, std::span<const char> data, bool append, bool privileged) {
  std::lock_guard lock(mu_);
  if (!privileged && (base_.mode() & (S_ISUID | S_ISGID))) drop_setid_ = true;
  SHOAL_RETURN_IF_ERROR(stageLocked());
  if (append) offset = size_;
  uint64_t end = offset + data.size();
  SHOAL_RETURN_IF_ERROR(reserveLocked(end));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd_.get(), data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) return makeError(errnoStatus(errno, "staging " + path_));
    done += static_cast<size_t>(n);
  }
  size_ = std::max(size_, end);
  dirty_ = true;
  mtime_ms_ = wallMs();
  return done;
}

Result<size_t> OpenFile::read(uint64_t offset, std::span<char> buf) {
  std::unique_lock lock(mu_);
  if (offset >= size_) return size_t{0};
  size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), size_ - offset));
  if (!staged_) {
    proto::FileInfo base = base_;
    lock.unlock();  // a read of the published version needs nothing of ours
    return deps_.reader.pread(base, offset, buf.first(want));
  }
  size_t done = 0;
  while (done < want) {
    ssize_t n = ::pread(fd_.get(), buf.data() + done, want - done, static_cast<off_t>(offset + done));
    if (n < 0) return makeError(errnoStatus(errno, "staging " + path_));
    if (n == 0) {
      // Bytes past the staged data's end inside the file (after a truncate up) read as zeros.
      std::fill(buf.begin() + done, buf.begin() + want, '\0');
      break;
    }
    done += static_cast<size_t>(n);
  }
  return want;
}

Status OpenFile::truncate(uint64_t size) {
  std::lock_guard lock(mu_);
  return truncateLocked(size);
}

Status OpenFile::allocate(uint64_t offset, uint64_t len, bool keep_size) {
  std::lock_guard lock(mu_);
  if (len == 0 || offset + len < offset) return invalidArgument(path_ + ": fallocate of an empty or overflowing range");
  uint64_t end = offset + len;
  if (end > deps_.staging.capacity()) {
    return tooLarge(path_, end, deps_.staging.capacity());
  }
  if (keep_size || end <= size_) {
    // The staging budget is what backs the promise that later writes find room.
    SHOAL_RETURN_IF_ERROR(stageLocked());
    return reserveLocked(std::max(end, size_));
  }
  return truncateLocked(end);
}

Status OpenFile::truncateLocked(uint64_t size) {
  if (size == size_ && staged_) return Status::ok();
  if (size > deps_.staging.capacity()) {
    return tooLarge(path_, size, deps_.staging.capacity());
  }
  if (size == 0) {
    // Emptying needs none of the old content: no copy.
    staged_ = true;
    fd_.reset();
  }
  SHOAL_RETURN_IF_ERROR(stageLocked());
  SHOAL_RETURN_IF_ERROR(reserveLocked(size));
  if (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) return errnoStatus(errno, "staging " + path_);
  if (size < reserved_) {
    deps_.staging.release(reserved_ - size);
    reserved_ = size;
  }
  size_ = size;
  dirty_ = true;
  mtime_ms_ = wallMs();
  return Status::ok();
}

Status OpenFile::publish() {
  std::lock_guard lock(mu_);
  if (!dirty_ || orphan_) return Status::ok();
  // The next version keeps the file's mode and owners as they are now (a chmod while open counts).
  auto current = deps_.master.getStatus(path_);
  const proto::FileInfo& like = current ? *current : base_;
  client::WriteOptions opts;
  opts.mode = like.mode() ? like.mode() : 0644;
  if (drop_setid_) opts.mode = withoutSetId(*opts.mode);
  opts.recursive = false;
  // A file only Shoal holds stays that way; others take the configured write type.
  if (like.id() != 0 && like.ufs_uri().empty()) opts.write_type = proto::MUST_CACHE;
  std::string tmp = temporaryBeside(path_);
  auto w = deps_.client.createFile(tmp, opts);
  if (!w) return w.error().withContext("publish " + path_);
  std::vector<char> buf(kCopyChunk);
  for (uint64_t done = 0; done < size_;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), size_ - done));
    ssize_t n = ::pread(fd_.get(), buf.data(), want, static_cast<off_t>(done));
    if (n < 0) return errnoStatus(errno, "staging " + path_);
    if (n == 0) {
      std::fill(buf.begin(), buf.begin() + want, '\0');  // a hole left by a truncate up
      n = static_cast<ssize_t>(want);
    }
    SHOAL_RETURN_IF_ERROR((*w)->write({buf.data(), static_cast<size_t>(n)}).withContext("publish " + path_));
    done += static_cast<uint64_t>(n);
  }
  auto info = (*w)->close();
  if (!info) return info.error().withContext("publish " + path_);
  if (Status st = deps_.master.rename(tmp, path_, /*replace=*/true, /*keep_xattrs=*/true); !st) {
    (void)deps_.master.remove(tmp, false, false, info->id());
    return st.withContext("publish " + path_);
  }
  if (current && (current->owner() != info->owner() || current->group() != info->group())) {
    Status st = deps_.master.setAttribute(path_, std::nullopt, current->owner(), current->group(), false);
    if (!st) logger("vfs")->warn("{}: published, but could not keep its owner: {}", path_, st.toString());
    info->set_owner(current->owner());
    info->set_group(current->group());
  }
  base_ = *info;
  base_.set_path(path_);
  base_.set_name(std::string(baseName(path_)));
  dirty_ = false;
  drop_setid_ = false;
  return Status::ok();
}

proto::FileInfo OpenFile::attributes() const {
  std::lock_guard lock(mu_);
  proto::FileInfo f = base_;
  f.set_path(path_);
  f.set_size(size_);
  f.set_mtime_ms(mtime_ms_);
  if (drop_setid_) f.set_mode(withoutSetId(f.mode()));
  return f;
}

bool OpenFile::dirty() const {
  std::lock_guard lock(mu_);
  return dirty_;
}

std::string OpenFile::path() const {
  std::lock_guard lock(mu_);
  return path_;
}

void OpenFile::renamed(const std::string& to) {
  std::lock_guard lock(mu_);
  path_ = to;
}

void OpenFile::unlinked() {
  std::lock_guard lock(mu_);
  orphan_ = true;
}

}  // namespace shoal::vfs
