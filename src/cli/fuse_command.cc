// `shoal fuse mount|unmount`: POSIX access to Shoal through FUSE.
#include <iostream>

#include "cli/cli.h"
#include "fuse/fuse_mount.h"

namespace shoal::cli {

void registerFuseCommands(CLI::App& app, CliContext& ctx) {
  auto* fuse = app.add_subcommand("fuse", "Mount Shoal as a POSIX file system (FUSE)");
  fuse->require_subcommand(1);
  auto opts = std::make_shared<fuse::MountOptions>();
  auto* mount = fuse->add_subcommand("mount", "Mount a Shoal directory (default /) at MOUNTPOINT; runs in the "
                                              "background unless --foreground");
  mount->add_option("mountpoint", opts->mountpoint, "An existing local directory")->required();
  mount->add_option("--path", opts->root, "The Shoal directory to mount (default /)");
  repeatable(mount->add_option("-o", opts->fuse_options, "FUSE mount options (allow_other, ro, ...; repeat for more)"));
  mount->add_flag("-f,--foreground", opts->foreground, "Stay in the foreground (logs to standard error)");
  mount->callback([&ctx, opts] {
    Status st = fuse::runMount(ctx.conf, *opts);
    if (!st) return ctx.fail("fuse mount", st);
    if (opts->foreground) return;
    std::cout << "Mounted Shoal " << opts->root << " on " << opts->mountpoint << "\n";
    std::string log = fuse::mountLogPath(ctx.conf, opts->mountpoint);
    if (!log.empty()) std::cout << "Log: " << log << "\n";
  });
  auto mp = std::make_shared<std::string>();
  auto* unmount = fuse->add_subcommand("unmount", "Unmount a Shoal FUSE mount (its daemon then exits)");
  unmount->add_option("mountpoint", *mp, "The mount point")->required();
  unmount->callback([&ctx, mp] {
    Status st = fuse::unmount(*mp);
    if (!st) return ctx.fail("fuse unmount", st);
    std::cout << "Unmounted " << *mp << "\n";
  });
}

}  // namespace shoal::cli
