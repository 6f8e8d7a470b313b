// `shoal fs location|free|checksum`: where a file's pages are cached, dropping them, and a
// checksum of the bytes Shoal serves.
#include <iostream>
#include <xxhash.h>

#include "cli/cli.h"
#include "client/cache_control.h"

namespace shoal::cli {
namespace {

// The file's attributes; directories are refused with `why` appended.
Result<proto::FileInfo> statFile(CliContext& ctx, const std::string& path, const std::string& why = "") {
  auto f = ctx.master().getStatus(path);
  if (!f) return makeError(f.error());
  if (f->is_dir()) return makeError(Status(StatusCode::kIsADirectory, f->path() + ": is a directory" + why));
  return f;
}

std::string pageList(const std::vector<uint64_t>& pages) {
  std::string out;
  for (size_t i = 0; i < pages.size(); ++i) out += (i ? "," : "") + std::to_string(pages[i]);
  return out.empty() ? "-" : out;
}

}  // namespace

void registerFsCacheCommands(CLI::App& fs, CliContext& ctx) {
  auto* location = fs.add_subcommand("location", "Which live workers hold which cached pages of a file");
  auto lpath = std::make_shared<std::string>();
  location->add_option("path", *lpath, "File")->required();
  location->callback([&ctx, lpath] {
    auto f = statFile(ctx, *lpath);
    if (!f) return ctx.fail("fs location", f.error());
    std::cout << fmt::format("{} ({} bytes, id {})\n", f->path(), f->size(), f->id());
    auto held = client::cachedPages(ctx.client(), f->id());
    if (!held) return ctx.fail("fs location", held.error());
    for (const auto& w : *held) std::cout << fmt::format("  {:<24} pages {}\n", w.worker, pageList(w.pages));
  });

  auto* free = fs.add_subcommand("free", "Drop a file's cached pages from every live worker (the store keeps the data)");
  auto fpath = std::make_shared<std::string>();
  free->add_option("path", *fpath, "File")->required();
  free->callback([&ctx, fpath] {
    auto f = statFile(ctx, *fpath, " (free files one by one)");
    if (!f) return ctx.fail("fs free", f.error());
    auto dropped = client::freeFile(ctx.client(), *f);
    if (!dropped) return ctx.fail("fs free", dropped.error());
    std::cout << fmt::format("Freed {} cached pages of {}\n", *dropped, f->path());
  });

  auto* checksum = fs.add_subcommand("checksum", "XXH128 of a file's bytes as Shoal serves them");
  auto cpath = std::make_shared<std::string>();
  checksum->add_option("path", *cpath, "File")->required();
  checksum->callback([&ctx, cpath] {
    auto f = statFile(ctx, *cpath);
    if (!f) return ctx.fail("fs checksum", f.error());
    XXH3_state_t* state = XXH3_createState();
    XXH3_128bits_reset(state);
    std::vector<char> buf(4 << 20);
    Status st;
    for (uint64_t pos = 0; pos < f->size();) {
      auto n = ctx.reader().pread(*f, pos, {buf.data(), buf.size()});
      if (!n || *n == 0) {
        st = n ? Status(StatusCode::kIoError, f->path() + ": short read") : n.error();
        break;
      }
      XXH3_128bits_update(state, buf.data(), *n);
      pos += *n;
    }
    XXH128_hash_t h = XXH3_128bits_digest(state);
    XXH3_freeState(state);
    if (!st) ctx.fail("fs checksum", st);
    else std::cout << fmt::format("{:016x}{:016x}  {}\n", h.high64, h.low64, f->path());
  });
}

}  // namespace shoal::cli
