// `shoal fs copyFromLocal|cp`: writing files into Shoal with the configured (or given) write type.
// A directory is copied file by file; a file that fails is never left half-written.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/tree_walk.h"
#include "common/path.h"

namespace shoal::cli {
namespace {

constexpr size_t kChunk = 4 << 20;
constexpr std::string_view kLocalScheme = "file://";

// Copies the local file `src` to the new Shoal file `dst`.
Status copyFileIn(CliContext& ctx, const std::string& src, const std::string& dst, const client::WriteOptions& opts) {
  int fd = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(StatusCode::kIoError, src + ": " + std::strerror(errno));
  auto w = ctx.createFile(dst, opts);
  if (!w) {
    ::close(fd);
    return w.error();
  }
  std::vector<char> buf(kChunk);
  Status st;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = Status(StatusCode::kIoError, src + ": " + std::strerror(errno));
      break;
    }
    if (n == 0) break;
    st = (*w)->write({buf.data(), static_cast<size_t>(n)});
    if (!st) break;
  }
  ::close(fd);
  if (!st) {
    (*w)->cancel();
    return st;
  }
  auto done = (*w)->close();
  return done ? Status::ok() : done.error();
}

// Copies a local file or tree to `dst` (into it when `dst` is an existing directory).
Status copyFromLocal(CliContext& ctx, const std::string& src, const std::string& dst, const client::WriteOptions& opts) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(src, ec);
  if (ec || !fs::exists(status)) return Status(StatusCode::kNotFound, src + ": no such local file or directory");
  std::string target = dst;
  auto existing = ctx.master().getStatus(dst);
  if (existing && existing->is_dir()) {
    auto name = fs::path(src).lexically_normal().filename().string();
    if (name.empty()) name = fs::path(src).lexically_normal().parent_path().filename().string();
    target = joinPath(existing->path(), name);
  }
  if (!fs::is_directory(status)) return copyFileIn(ctx, src, target, opts);
  auto made = ctx.master().createDirectory(target, true);
  if (!made) return made.error();
  for (auto it = fs::recursive_directory_iterator(src, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string rel = fs::relative(it->path(), src).string();
    std::string to = joinPath(target, rel);
    if (it->is_directory()) {
      auto d = ctx.master().createDirectory(to, true);
      if (!d) return d.error();
    } else if (it->is_regular_file()) {
      SHOAL_RETURN_IF_ERROR(copyFileIn(ctx, it->path().string(), to, opts));
    }
  }
  if (ec) return Status(StatusCode::kIoError, src + ": " + ec.message());
  return Status::ok();
}

// Copies a Shoal file to a new Shoal file (bytes through this client).
Status copyWithin(CliContext& ctx, const std::string& src, const std::string& dst, const client::WriteOptions& opts) {
  auto info = ctx.master().getStatus(src);
  if (!info) return info.error();
  if (info->is_dir()) return Status(StatusCode::kIsADirectory, info->path() + ": is a directory (copy files one by one)");
  auto w = ctx.createFile(dst, opts);
  if (!w) return w.error();
  Status st = streamShoalFile(ctx, src, [&](const char* d, size_t n) { return (*w)->write({d, n}); });
  if (!st) {
    (*w)->cancel();
    return st;
  }
  auto done = (*w)->close();
  return done ? Status::ok() : done.error();
}

std::optional<std::string> localPath(const std::string& arg) {
  if (arg.rfind(kLocalScheme, 0) != 0) return std::nullopt;
  return arg.substr(kLocalScheme.size());
}

// Registers the shared --write-type option; returns where the parsed options land.
std::shared_ptr<std::string> writeTypeOption(CLI::App* cmd) {
  auto t = std::make_shared<std::string>();
  cmd->add_option("-w,--write-type", *t,
                  "MUST_CACHE, CACHE_THROUGH or THROUGH (default: shoal.user.file.writetype.default)");
  return t;
}

// Parses the --write-type text; prints the error and sets exit 2 when it is bad.
std::optional<client::WriteOptions> writeOptions(CliContext& ctx, const char* cmd, const std::string& text) {
  client::WriteOptions o;
  if (text.empty()) return o;
  auto t = client::parseWriteType(text);
  if (!t) {
    std::cerr << "shoal " << cmd << ": " << t.error().message() << "\n";
    ctx.exit_code = 2;
    return std::nullopt;
  }
  o.write_type = *t;
  return o;
}

}  // namespace

void registerFsWriteCommands(CLI::App& fs, CliContext& ctx) {
  auto* in = fs.add_subcommand("copyFromLocal", "Copy a local file or directory into Shoal");
  auto src = std::make_shared<std::string>();
  auto dst = std::make_shared<std::string>();
  in->add_option("src", *src, "Local file or directory")->required();
  in->add_option("dst", *dst, "Shoal path (an existing directory receives the copy)")->required();
  auto in_type = writeTypeOption(in);
  in->callback([&ctx, src, dst, in_type] {
    auto opts = writeOptions(ctx, "fs copyFromLocal", *in_type);
    if (!opts) return;
    if (Status st = copyFromLocal(ctx, *src, *dst, *opts); !st) ctx.fail("fs copyFromLocal", st);
  });

  auto* cp = fs.add_subcommand("cp", "Copy a file: file://LOCAL to a Shoal path, a Shoal path to file://LOCAL, "
                                     "or between Shoal paths");
  auto csrc = std::make_shared<std::string>();
  auto cdst = std::make_shared<std::string>();
  cp->add_option("src", *csrc, "Source (file:// for a local path)")->required();
  cp->add_option("dst", *cdst, "Destination (file:// for a local path)")->required();
  auto cp_type = writeTypeOption(cp);
  cp->callback([&ctx, csrc, cdst, cp_type] {
    auto opts = writeOptions(ctx, "fs cp", *cp_type);
    if (!opts) return;
    auto from = localPath(*csrc);
    auto to = localPath(*cdst);
    Status st;
    if (from && to) {
      std::cerr << "shoal fs cp: both sides are local (file://); one side must be a Shoal path\n";
      ctx.exit_code = 2;
      return;
    }
    if (from) st = copyFromLocal(ctx, *from, *cdst, *opts);
    else if (to) st = copyToLocal(ctx, *csrc, *to);
    else st = copyWithin(ctx, *csrc, *cdst, *opts);
    if (!st) ctx.fail("fs cp", st);
  });
}

}  // namespace shoal::cli
