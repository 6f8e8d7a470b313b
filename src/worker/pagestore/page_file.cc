#include "worker/pagestore/page_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <xxhash.h>

#include "common/errno_status.h"

namespace shoal::worker {
namespace {

constexpr uint32_t kMagic = 0x47504853;  // "SHPG"

Status writeAll(int fd, const char* p, size_t n, const std::string& what) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errnoStatus(errno, what);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::ok();
}

}  // namespace

Status writePageFile(const std::string& path, std::span<const char> data) {
  static std::atomic<uint64_t> seq{0};
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return errnoStatus(ec.value(), "create page directory for " + path);
  std::string tmp = fmt::format("{}.{}.{}{}", path, ::getpid(), seq++, kPageTempSuffix);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errnoStatus(errno, "create page file " + tmp);
  char trailer[kPageTrailerBytes];
  uint64_t sum = XXH64(data.data(), data.size(), 0);
  std::memcpy(trailer, &sum, 8);
  std::memcpy(trailer + 8, &kMagic, 4);
  Status st = writeAll(fd, data.data(), data.size(), "write page file " + tmp);
  if (st) st = writeAll(fd, trailer, sizeof(trailer), "write page file " + tmp);
  ::close(fd);
  if (st && ::rename(tmp.c_str(), path.c_str()) != 0) st = errnoStatus(errno, "rename page file " + tmp);
  if (!st) ::unlink(tmp.c_str());
  return st;
}

Result<uint64_t> verifyPageFile(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return makeError(errnoStatus(errno, "stat page file " + path));
  auto size = static_cast<uint64_t>(st.st_size);
  if (size < kPageTrailerBytes) {
    return makeError(Status(StatusCode::kCorruption, fmt::format("page file {}: {} bytes, shorter than its trailer", path, size)));
  }
  std::vector<char> buf(size);
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, buf.data() + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return makeError(errnoStatus(n < 0 ? errno : EIO, "read page file " + path));
    done += static_cast<uint64_t>(n);
  }
  uint64_t len = size - kPageTrailerBytes;
  uint64_t sum = 0;
  uint32_t magic = 0;
  std::memcpy(&sum, buf.data() + len, 8);
  std::memcpy(&magic, buf.data() + len + 8, 4);
  if (magic != kMagic || XXH64(buf.data(), len, 0) != sum) {
    return makeError(Status(StatusCode::kCorruption, "page file " + path + ": checksum mismatch"));
  }
  return len;
}

}  // namespace shoal::worker
