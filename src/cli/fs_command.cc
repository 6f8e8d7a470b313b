// `shoal fs ...`: namespace commands (ls, stat, mkdir, rm, mv, touch, test, chmod, chown).
// Usage commands (count, du) and mount commands live in their own files.
#include <iostream>

#include "cli/cli.h"
#include "cli/format.h"
#include "cli/tree_walk.h"
#include "common/path.h"

namespace shoal::cli {
namespace {

void registerLs(CLI::App& fs, CliContext& ctx) {
  auto* cmd = fs.add_subcommand("ls", "List a directory (or show a file), one path per line");
  cmd->set_help_flag("--help", "Print this help");  // -h means human-readable sizes
  struct Opts {
    std::vector<std::string> paths;
    bool recursive = false, longfmt = false, human = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("path", o->paths, "Paths to list")->default_val(std::vector<std::string>{"/"});
  cmd->add_flag("-R,--recursive", o->recursive, "List subdirectories recursively");
  cmd->add_flag("-l", o->longfmt, "Long format: mode, owner, group, size, mtime, state, path");
  cmd->add_flag("-h,--human-readable", o->human, "Human-readable sizes (with -l)");
  cmd->callback([&ctx, o] {
    auto print = [&](const proto::FileInfo& f) {
      std::cout << (o->longfmt ? longListing(f, o->human) : f.path()) << "\n";
    };
    for (const auto& path : o->paths) {
      auto top = ctx.master().getStatus(path);
      if (!top) {
        ctx.fail("fs ls", top.error());
        continue;
      }
      if (!top->is_dir()) {
        print(*top);
        continue;
      }
      Status st = o->recursive ? walkTree(ctx.master(), top->path(), print)
                               : ctx.master().listStatus(top->path(), [&](const std::vector<proto::FileInfo>& page) {
                                   for (const auto& f : page) print(f);
                                   return true;
                                 });
      if (!st) ctx.fail("fs ls", st);
    }
  });
}

void registerStat(CLI::App& fs, CliContext& ctx) {
  auto* cmd = fs.add_subcommand("stat", "Show the attributes of a file or directory");
  auto paths = std::make_shared<std::vector<std::string>>();
  cmd->add_option("path", *paths, "Paths")->required();
  cmd->callback([&ctx, paths] {
    for (const auto& p : *paths) {
      auto f = ctx.master().getStatus(p);
      if (!f) {
        ctx.fail("fs stat", f.error());
        continue;
      }
      std::cout << f->path() << "\n"
                << "  type:        " << typeName(*f) << "\n";
      if (f->type() == proto::FILE_TYPE_SYMLINK) std::cout << "  target:      " << f->symlink_target() << "\n";
      std::cout << "  id:          " << f->id() << "\n"
                << "  size:        " << f->size() << "\n"
                << "  mode:        " << fmt::format("{:04o}", f->mode()) << " (" << modeString(*f) << ")\n"
                << "  owner:       " << f->owner() << "\n"
                << "  group:       " << f->group() << "\n"
                << "  modified:    " << timeString(f->mtime_ms()) << "\n"
                << "  changed:     " << timeString(f->ctime_ms()) << "\n"
                << "  persisted:   " << (f->persisted() ? "yes" : "no") << "\n"
                << "  complete:    " << (f->complete() ? "yes" : "no") << "\n"
                << "  mount point: " << (f->mount_point() ? "yes" : "no") << "\n"
                << "  ufs:         " << (f->ufs_uri().empty() ? "-" : f->ufs_uri()) << "\n";
    }
  });
}

void registerMkdir(CLI::App& fs, CliContext& ctx) {
  auto* cmd = fs.add_subcommand("mkdir", "Create directories");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto parents = std::make_shared<bool>(false);
  cmd->add_option("path", *paths, "Directories to create")->required();
  cmd->add_flag("-p,--parents", *parents, "Create missing parents; an existing directory is not an error");
  cmd->callback([&ctx, paths, parents] {
    for (const auto& p : *paths) {
      auto r = ctx.master().createDirectory(p, *parents);
      if (!r) ctx.fail("fs mkdir", r.error());
    }
  });
}

void registerRm(CLI::App& fs, CliContext& ctx) {
  auto* cmd = fs.add_subcommand("rm", "Remove files or directories (from Shoal and the under-store)");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto recursive = std::make_shared<bool>(false);
  auto shoal_only = std::make_shared<bool>(false);
  cmd->add_option("path", *paths, "Paths to remove")->required();
  cmd->add_flag("-R,-r,--recursive", *recursive, "Remove directories and their contents");
  cmd->add_flag("--shoal-only", *shoal_only, "Remove from Shoal's namespace only; leave the store alone");
  cmd->callback([&ctx, paths, recursive, shoal_only] {
    for (const auto& p : *paths) {
      Status st = ctx.master().remove(p, *recursive, *shoal_only);
      if (!st) ctx.fail("fs rm", st);
    }
  });
}

void registerMv(CLI::App& fs, CliContext& ctx) {
  auto* cmd = fs.add_subcommand("mv", "Rename or move a file or directory");
  auto src = std::make_shared<std::string>();
  auto dst = std::make_shared<std::string>();
  cmd->add_option("src", *src, "Source path")->required();
  cmd->add_option("dst", *dst, "Destination path (an existing directory receives the source)")->required();
  cmd->callback([&ctx, src, dst] {
    std::string target = *dst;
    // Like mv(1): moving onto an existing directory moves into it.
    if (auto d = ctx.master().getStatus(*dst); d && d->is_dir()) {
      auto s = normalizePath(*src);
      if (s) target = joinPath(d->path(), baseName(*s));
    }
    Status st = ctx.master().rename(*src, target);
    if (!st) ctx.fail("fs mv", st);
  });
}

void registerTouch(CLI::App& fs, CliContext& ctx) {
  auto* cmd = fs.add_subcommand("touch", "Create empty files (in the under-store too, inside a mount)");
  auto paths = std::make_shared<std::vector<std::string>>();
  cmd->add_option("path", *paths, "Files to create")->required();
  cmd->callback([&ctx, paths] {
    for (const auto& p : *paths) {
      auto r = ctx.master().createFile(p, false, /*complete=*/true);
      if (!r) ctx.fail("fs touch", r.error());
    }
  });
}

void registerTest(CLI::App& fs, CliContext& ctx) {
  auto* cmd = fs.add_subcommand("test", "Exit 0 if the test holds, 1 if not, 2 on error");
  auto path = std::make_shared<std::string>();
  auto e = std::make_shared<bool>(false), d = std::make_shared<bool>(false), f = std::make_shared<bool>(false);
  auto* ge = cmd->add_flag("-e", *e, "The path exists");
  auto* gd = cmd->add_flag("-d", *d, "The path is a directory");
  auto* gf = cmd->add_flag("-f", *f, "The path is a file");
  ge->excludes(gd)->excludes(gf);
  gd->excludes(gf);
  cmd->add_option("path", *path, "Path to test")->required();
  cmd->callback([&ctx, path, e, d, f] {
    if (!*e && !*d && !*f) {
      std::cerr << "shoal fs test: give one of -e, -d, -f\n";
      ctx.exit_code = 2;
      return;
    }
    auto st = ctx.master().getStatus(*path);
    if (!st) {
      if (st.error().code() == StatusCode::kNotFound || st.error().code() == StatusCode::kNotADirectory) {
        ctx.exit_code = 1;
      } else {
        ctx.fail("fs test", st.error());
        ctx.exit_code = 2;
      }
      return;
    }
    bool ok = *e || (*d && st->is_dir()) || (*f && !st->is_dir());
    ctx.exit_code = ok ? 0 : 1;
  });
}

void registerChmodChown(CLI::App& fs, CliContext& ctx) {
  auto* chmod = fs.add_subcommand("chmod", "Change permission bits (octal, e.g. 0755)");
  auto mode = std::make_shared<std::string>();
  auto paths = std::make_shared<std::vector<std::string>>();
  auto rec = std::make_shared<bool>(false);
  chmod->add_option("mode", *mode, "Octal mode")->required();
  chmod->add_option("path", *paths, "Paths")->required();
  chmod->add_flag("-R,--recursive", *rec, "Apply below directories too");
  chmod->callback([&ctx, mode, paths, rec] {
    uint32_t m = 0;
    bool valid = !mode->empty() && mode->size() <= 5;
    for (char c : *mode) valid = valid && c >= '0' && c <= '7';
    if (valid) m = static_cast<uint32_t>(std::stoul(*mode, nullptr, 8));
    if (!valid || m > 07777) {
      std::cerr << "shoal fs chmod: '" << *mode << "' is not an octal mode (0000-7777)\n";
      ctx.exit_code = 2;
      return;
    }
    for (const auto& p : *paths) {
      Status st = ctx.master().setAttribute(p, m, std::nullopt, std::nullopt, *rec);
      if (!st) ctx.fail("fs chmod", st);
    }
  });
  auto* chown = fs.add_subcommand("chown", "Change owner (and group with OWNER:GROUP)");
  auto who = std::make_shared<std::string>();
  auto cpaths = std::make_shared<std::vector<std::string>>();
  auto crec = std::make_shared<bool>(false);
  chown->add_option("owner", *who, "OWNER or OWNER:GROUP")->required();
  chown->add_option("path", *cpaths, "Paths")->required();
  chown->add_flag("-R,--recursive", *crec, "Apply below directories too");
  chown->callback([&ctx, who, cpaths, crec] {
    size_t colon = who->find(':');
    std::optional<std::string> owner = who->substr(0, colon);
    std::optional<std::string> group;
    if (colon != std::string::npos) group = who->substr(colon + 1);
    if (owner->empty() || (group && group->empty())) {
      std::cerr << "shoal fs chown: '" << *who << "' is not OWNER or OWNER:GROUP\n";
      ctx.exit_code = 2;
      return;
    }
    for (const auto& p : *cpaths) {
      Status st = ctx.master().setAttribute(p, std::nullopt, owner, group, *crec);
      if (!st) ctx.fail("fs chown", st);
    }
  });
}

}  // namespace

void registerFsCommands(CLI::App& app, CliContext& ctx) {
  auto* fs = app.add_subcommand("fs", "File-system commands against the master");
  fs->require_subcommand(1);
  registerLs(*fs, ctx);
  registerStat(*fs, ctx);
  registerMkdir(*fs, ctx);
  registerRm(*fs, ctx);
  registerMv(*fs, ctx);
  registerTouch(*fs, ctx);
  registerTest(*fs, ctx);
  registerChmodChown(*fs, ctx);
  registerFsUsageCommands(*fs, ctx);
  registerFsReadCommands(*fs, ctx);
  registerFsCacheCommands(*fs, ctx);
  registerFsWriteCommands(*fs, ctx);
  registerFsLoadCommands(*fs, ctx);
  registerFsMountCommands(*fs, ctx);
  registerFsBucketCommands(*fs, ctx);
  registerFsLeaderCommand(*fs, ctx);
}

}  // namespace shoal::cli
