#include "vfs/staging.h"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <sys/stat.h>

#include "common/errno_status.h"

namespace shoal::vfs {

StagingArea::StagingArea(std::string dir, uint64_t capacity) : dir_(std::move(dir)), capacity_(capacity) {}

Result<UniqueFd> StagingArea::newFile() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    return makeError(Status(StatusCode::kIoError,
                            fmt::format("staging directory {} (shoal.user.file.staging.dir): {}", dir_, ec.message())));
  }
  // O_TMPFILE: a file with no name, gone with its last descriptor, crash or not.
  int fd = ::open(dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
    // File systems without O_TMPFILE: a named file, unlinked at once.
    std::string name = dir_ + "/shoal-staging-XXXXXX";
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(name.c_str());
  }
  if (fd < 0) return makeError(errnoStatus(errno, "staging directory " + dir_ + " (shoal.user.file.staging.dir)"));
  return UniqueFd(fd);
}

Status StagingArea::reserve(uint64_t bytes, const std::string& for_path) {
  std::lock_guard lock(mu_);
  if (bytes > capacity_ - used_) {
    return Status(StatusCode::kNoSpace,
                  fmt::format("{}: the staging area for unpublished writes is full ({} of {} bytes in {}; raise "
                              "shoal.user.file.staging.capacity or close open files)",
                              for_path, used_, capacity_, dir_));
  }
  used_ += bytes;
  return Status::ok();
}

void StagingArea::release(uint64_t bytes) {
  std::lock_guard lock(mu_);
  used_ -= std::min(bytes, used_);
}

uint64_t StagingArea::used() const {
  std::lock_guard lock(mu_);
  return used_;
}

}  // namespace shoal::vfs
