// `shoal fs cat|head|tail|copyToLocal`: file data through the workers (or the store directly when
// no worker can serve).
#include <cerrno>
#include <filesystem>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <unistd.h>

#include "cli/cli.h"
#include "common/path.h"
#include "common/units.h"

namespace shoal::cli {
namespace {

constexpr size_t kChunk = 4 << 20;

// Streams [offset, offset+length) of `path` to `sink`. If the file changed in the store since
// its metadata was read, reloads the metadata from the store once and starts over, but only if
// `restart` can take back what the sink already received (a temp file is truncated); bytes that
// went to a terminal or a pipe cannot be, so then the copy fails instead of mixing two versions.
Status streamFile(CliContext& ctx, const std::string& path, std::optional<uint64_t> first, std::optional<uint64_t> last,
                  const std::function<Status(const char*, size_t)>& sink,
                  const std::function<bool()>& restart = nullptr) {
  std::optional<int64_t> sync;
  uint64_t sent = 0;
  for (int attempt = 0;; ++attempt) {
    auto info = ctx.master().getStatus(path, sync);
    if (!info) return info.error();
    if (info->is_dir()) return Status(StatusCode::kIsADirectory, info->path() + ": is a directory");
    uint64_t size = info->size();
    uint64_t begin = 0, end = size;
    if (first) end = std::min(size, *first);
    if (last) begin = size > *last ? size - *last : 0;
    std::vector<char> buf(kChunk);
    Status st;
    for (uint64_t pos = begin; pos < end && st;) {
      auto n = ctx.reader().pread(*info, pos, {buf.data(), static_cast<size_t>(std::min<uint64_t>(kChunk, end - pos))});
      if (!n) {
        st = n.error();
        break;
      }
      st = sink(buf.data(), *n);
      sent += *n;
      pos += *n;
    }
    if (st.code() == StatusCode::kFailedPrecondition && attempt == 0 && begin == 0 && !first && !last) {
      if (sent > 0 && !(restart && restart())) {
        return Status(StatusCode::kFailedPrecondition,
                      fmt::format("{}: changed in the store while being read, after {} bytes had been written out; "
                                  "read it again",
                                  path, sent));
      }
      sent = 0;
      sync = 0;  // the store has a newer version: ask the master to look again, then re-read
      continue;
    }
    return st;
  }
}

Status writeFd(int fd, const char* p, size_t n, const std::string& what) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status(StatusCode::kIoError, what + ": " + std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::ok();
}

Result<uint64_t> byteCount(const std::string& text) {
  auto n = parseBytes(text);
  if (!n) return makeError(invalidArgument("-c " + text + ": " + n.error().message()));
  return *n;
}

}  // namespace

Status copyToLocal(CliContext& ctx, const std::string& src, const std::string& dst) {
  std::string target = dst;
  std::error_code ec;  // a destination that cannot be inspected is simply not a directory here
  if (std::filesystem::is_directory(target, ec)) {
    auto norm = normalizePath(src);
    target = (std::filesystem::path(target) / std::string(norm ? baseName(*norm) : "file")).string();
  }
  std::string tmp = target + ".shoal-partial";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status(StatusCode::kIoError, tmp + ": " + std::strerror(errno));
  // A version change mid-copy starts over in an emptied temp file: the copy is all one version.
  auto restart = [&] { return ::ftruncate(fd, 0) == 0 && ::lseek(fd, 0, SEEK_SET) == 0; };
  Status st = streamFile(
      ctx, src, std::nullopt, std::nullopt, [&](const char* d, size_t n) { return writeFd(fd, d, n, tmp); }, restart);
  ::close(fd);
  if (st && ::rename(tmp.c_str(), target.c_str()) != 0) {
    st = Status(StatusCode::kIoError, target + ": " + std::strerror(errno));
  }
  if (!st) ::unlink(tmp.c_str());  // never leave a half-copied file behind
  return st;
}

Status streamShoalFile(CliContext& ctx, const std::string& path, const std::function<Status(const char*, size_t)>& sink) {
  return streamFile(ctx, path, std::nullopt, std::nullopt, sink);
}

void registerFsReadCommands(CLI::App& fs, CliContext& ctx) {
  auto* cat = fs.add_subcommand("cat", "Print files to standard output");
  auto cpaths = std::make_shared<std::vector<std::string>>();
  cat->add_option("path", *cpaths, "Files")->required();
  cat->callback([&ctx, cpaths] {
    for (const auto& p : *cpaths) {
      Status st = streamFile(ctx, p, std::nullopt, std::nullopt,
                             [](const char* d, size_t n) { return writeFd(1, d, n, "standard output"); });
      if (!st) ctx.fail("fs cat", st);
    }
  });

  for (bool head : {true, false}) {
    auto* cmd = fs.add_subcommand(head ? "head" : "tail",
                                  head ? "Print the first bytes of a file (1KB unless -c)" : "Print the last bytes of a file (1KB unless -c)");
    auto path = std::make_shared<std::string>();
    auto count = std::make_shared<std::string>("1KB");
    cmd->add_option("path", *path, "File")->required();
    cmd->add_option("-c,--bytes", *count, "How many bytes (units allowed: 4KB, 1MB)");
    cmd->callback([&ctx, path, count, head] {
      auto n = byteCount(*count);
      if (!n) {
        std::cerr << "shoal fs " << (head ? "head" : "tail") << ": " << n.error().message() << "\n";
        ctx.exit_code = 2;
        return;
      }
      Status st = streamFile(ctx, *path, head ? std::optional<uint64_t>(*n) : std::nullopt,
                             head ? std::nullopt : std::optional<uint64_t>(*n),
                             [](const char* d, size_t len) { return writeFd(1, d, len, "standard output"); });
      if (!st) ctx.fail(head ? "fs head" : "fs tail", st);
    });
  }

  auto* copy = fs.add_subcommand("copyToLocal", "Copy a Shoal file to a local file (written whole, then renamed in)");
  auto src = std::make_shared<std::string>();
  auto dst = std::make_shared<std::string>();
  copy->add_option("src", *src, "Shoal file")->required();
  copy->add_option("dst", *dst, "Local path (an existing directory receives the file)")->required();
  copy->callback([&ctx, src, dst] {
    if (Status st = copyToLocal(ctx, *src, *dst); !st) ctx.fail("fs copyToLocal", st);
  });
}

}  // namespace shoal::cli
