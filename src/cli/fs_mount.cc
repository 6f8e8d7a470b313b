// `shoal fs mount` and `shoal fs unmount`.
#include <iostream>

#include "cli/cli.h"

namespace shoal::cli {
namespace {

// Option values that are credentials never reach a terminal or a log.
bool isSecretOption(const std::string& key) {
  return key.find("secret") != std::string::npos || key.find("password") != std::string::npos ||
         key.find("keyring") != std::string::npos || key.find("token") != std::string::npos;
}

}  // namespace

void registerFsMountCommands(CLI::App& fs, CliContext& ctx) {
  auto* mount = fs.add_subcommand("mount", "Mount an under-store URI at a Shoal path; with no arguments, print the mount table");
  struct Opts {
    std::string path, uri;
    bool readonly = false;
    std::vector<std::string> options;
  };
  auto o = std::make_shared<Opts>();
  mount->add_option("path", o->path, "Shoal path to mount at (must not exist; its parent must)");
  mount->add_option("uri", o->uri, "Under-store URI, e.g. file:///data");
  mount->add_flag("--readonly", o->readonly, "Refuse every write below the mount point");
  // One value per --option (repeat it): a greedy list option swallowed PATH and URI, and the
  // command then printed the mount table and exited 0 having mounted nothing.
  repeatable(mount->add_option("--option", o->options, "Backend option key=value (repeat for more)"));
  mount->callback([&ctx, o] {
    if (o->path.empty()) {
      auto table = ctx.master().mountTable();
      if (!table) {
        ctx.fail("fs mount", table.error());
        return;
      }
      if (table->empty()) std::cout << "No mounts (mount a store with: shoal fs mount PATH URI)\n";
      for (const auto& m : *table) {
        std::string opts;
        for (const auto& [k, v] : m.options()) opts += fmt::format(" {}={}", k, isSecretOption(k) ? "******" : v);
        std::cout << fmt::format("{:<40}  on  {:<24}  ({}{})\n", m.uri(), m.path(), m.readonly() ? "readonly" : "read-write", opts);
      }
      return;
    }
    if (o->uri.empty()) {
      std::cerr << "shoal fs mount: give both PATH and URI (or neither, to print the mount table)\n";
      ctx.exit_code = 2;
      return;
    }
    std::map<std::string, std::string> options;
    for (const auto& kv : o->options) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "shoal fs mount: --option '" << kv << "' is not key=value\n";
        ctx.exit_code = 2;
        return;
      }
      options[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    Status st = ctx.master().mount(o->path, o->uri, o->readonly, options);
    if (!st) ctx.fail("fs mount", st);
    else std::cout << "Mounted " << o->uri << " at " << o->path << "\n";
  });

  auto* unmount = fs.add_subcommand("unmount", "Unmount a mount point (Shoal's metadata only; the store is untouched)");
  auto upath = std::make_shared<std::string>();
  unmount->add_option("path", *upath, "Mount point")->required();
  unmount->callback([&ctx, upath] {
    Status st = ctx.master().unmount(*upath);
    if (!st) ctx.fail("fs unmount", st);
    else std::cout << "Unmounted " << *upath << "\n";
  });
}

}  // namespace shoal::cli
