// `shoal fs count` and `shoal fs du`: totals over a tree, computed from paged listings.
#include <iostream>

#include "cli/cli.h"
#include "cli/format.h"
#include "cli/tree_walk.h"

namespace shoal::cli {
namespace {

struct Totals {
  uint64_t files = 0, dirs = 0, bytes = 0;
  void add(const proto::FileInfo& f) {
    if (f.is_dir()) ++dirs;
    else {
      ++files;
      bytes += f.size();
    }
  }
};

Result<Totals> totalsOf(stubs::MasterClient& master, const proto::FileInfo& top) {
  Totals t;
  t.add(top);
  if (top.is_dir()) {
    Status st = walkTree(master, top.path(), [&](const proto::FileInfo& f) { t.add(f); });
    if (!st) return makeError(st);
  }
  return t;
}

}  // namespace

void registerFsUsageCommands(CLI::App& fs, CliContext& ctx) {
  auto* count = fs.add_subcommand("count", "Count files, directories (the path itself included) and bytes below a path");
  count->set_help_flag("--help", "Print this help");  // -h means human-readable sizes
  auto cpaths = std::make_shared<std::vector<std::string>>();
  auto chuman = std::make_shared<bool>(false);
  count->add_option("path", *cpaths, "Paths")->required();
  count->add_flag("-h,--human-readable", *chuman, "Human-readable sizes");
  count->callback([&ctx, cpaths, chuman] {
    std::cout << fmt::format("{:>12}  {:>12}  {:>14}  {}\n", "File Count", "Folder Count", "Folder Size", "Path");
    for (const auto& p : *cpaths) {
      auto top = ctx.master().getStatus(p);
      auto t = top ? totalsOf(ctx.master(), *top) : makeError(top.error());
      if (!t) {
        ctx.fail("fs count", t.error());
        continue;
      }
      std::cout << fmt::format("{:>12}  {:>12}  {:>14}  {}\n", t->files, t->dirs, sizeString(t->bytes, *chuman), top->path());
    }
  });

  auto* du = fs.add_subcommand("du", "Bytes used by each entry of a directory (with -s: by the path as a whole)");
  du->set_help_flag("--help", "Print this help");  // -h means human-readable sizes
  auto dpaths = std::make_shared<std::vector<std::string>>();
  auto summary = std::make_shared<bool>(false);
  auto dhuman = std::make_shared<bool>(false);
  du->add_option("path", *dpaths, "Paths")->required();
  du->add_flag("-s,--summarize", *summary, "One total per path");
  du->add_flag("-h,--human-readable", *dhuman, "Human-readable sizes");
  du->callback([&ctx, dpaths, summary, dhuman] {
    auto line = [&](uint64_t bytes, const std::string& path) {
      std::cout << fmt::format("{:<12}  {}\n", sizeString(bytes, *dhuman), path);
    };
    for (const auto& p : *dpaths) {
      auto top = ctx.master().getStatus(p);
      if (!top) {
        ctx.fail("fs du", top.error());
        continue;
      }
      if (*summary || !top->is_dir()) {
        auto t = totalsOf(ctx.master(), *top);
        if (!t) ctx.fail("fs du", t.error());
        else line(t->bytes, top->path());
        continue;
      }
      auto children = ctx.master().listAll(top->path());
      if (!children) {
        ctx.fail("fs du", children.error());
        continue;
      }
      for (const auto& c : *children) {
        auto t = totalsOf(ctx.master(), c);
        if (!t) ctx.fail("fs du", t.error());
        else line(t->bytes, c.path());
      }
    }
  });
}

}  // namespace shoal::cli
