// `shoal fs load|pin|unpin`: bringing a tree into the workers' cache (with a progress line), and
// keeping files there through eviction.
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/tree_walk.h"
#include "common/units.h"

namespace shoal::cli {
namespace {

constexpr uint64_t kLoadStep = 64 << 20;  // progress is counted in steps of at most this many bytes

struct Progress {
  std::atomic<uint64_t> files{0};
  std::atomic<uint64_t> bytes{0};
  uint64_t total_files = 0;
  uint64_t total_bytes = 0;

  std::string line() const {
    uint64_t b = bytes.load();
    int pct = total_bytes == 0 ? 100 : static_cast<int>(b * 100 / total_bytes);
    return fmt::format("loaded {}/{} files, {}/{} ({}%)", files.load(), total_files, humanBytes(b),
                       humanBytes(total_bytes), pct);
  }
};

Status loadTree(CliContext& ctx, const std::string& path, int threads) {
  auto root = ctx.master().getStatus(path);
  if (!root) return root.error();
  std::vector<proto::FileInfo> files;
  if (root->is_dir()) {
    SHOAL_RETURN_IF_ERROR(walkTree(ctx.master(), root->path(), [&](const proto::FileInfo& f) {
      if (!f.is_dir()) files.push_back(f);
    }));
  } else {
    files.push_back(*root);
  }
  Progress progress;
  progress.total_files = files.size();
  for (const auto& f : files) progress.total_bytes += f.size();
  client::FileReader& reader = ctx.reader();  // made here: it is created lazily, not thread-safely
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first;  // guarded by mu
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      const auto& f = files[i];
      for (uint64_t pos = 0; pos < f.size(); pos += kLoadStep) {
        uint64_t n = std::min(kLoadStep, f.size() - pos);
        Status st = reader.load(f, pos, n);
        if (!st) {
          std::lock_guard lock(mu);
          if (first) first = st.withContext("load " + f.path());
          return;
        }
        progress.bytes += n;
      }
      ++progress.files;
    }
  };
  const bool tty = ::isatty(1);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(work);
  // The progress line: rewritten in place on a terminal, one line per second otherwise.
  std::atomic<bool> done{false};
  std::thread reporter([&] {
    while (!done) {
      for (int i = 0; i < 10 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (done) break;
      std::cout << (tty ? "\r" : "") << progress.line() << (tty ? "" : "\n") << std::flush;
    }
  });
  for (auto& t : pool) t.join();
  done = true;
  reporter.join();
  std::cout << (tty ? "\r" : "") << progress.line() << "\n";
  return first;
}

}  // namespace

void registerFsLoadCommands(CLI::App& fs, CliContext& ctx) {
  auto* load = fs.add_subcommand("load", "Cache a file or a tree in the workers (each page on its owner), "
                                         "printing progress");
  auto lpath = std::make_shared<std::string>();
  auto threads = std::make_shared<int>(8);
  load->add_option("path", *lpath, "File or directory")->required();
  load->add_option("-t,--threads", *threads, "Files loaded at once")->check(CLI::Range(1, 256));
  load->callback([&ctx, lpath, threads] {
    if (Status st = loadTree(ctx, *lpath, *threads); !st) ctx.fail("fs load", st);
  });

  for (bool pin : {true, false}) {
    auto* cmd = fs.add_subcommand(pin ? "pin" : "unpin",
                                  pin ? "Keep a file's (or a tree's) cached pages through eviction"
                                      : "Let a file's (or a tree's) cached pages be evicted again");
    auto path = std::make_shared<std::string>();
    cmd->add_option("path", *path, "File or directory (applies to everything below)")->required();
    cmd->callback([&ctx, path, pin] {
      auto info = ctx.master().getStatus(*path);
      Status st = info ? ctx.master().setPinned(info->path(), pin, info->is_dir()) : info.error();
      if (!st) return ctx.fail(pin ? "fs pin" : "fs unpin", st);
      std::cout << (pin ? "Pinned " : "Unpinned ") << info->path() << "\n";
    });
  }
}

}  // namespace shoal::cli
