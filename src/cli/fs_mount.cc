// `shoal fs mount`, `shoal fs update-mount` and `shoal fs unmount`.
#include <iostream>

#include "cli/cli.h"

namespace shoal::cli {
namespace {

// Option values that are credentials never reach a terminal or a log.
bool isSecretOption(const std::string& key) {
  return key.find("secret") != std::string::npos || key.find("password") != std::string::npos ||
         key.find("keyring") != std::string::npos || key.find("token") != std::string::npos;
}

// "(read-write k=v k2=******)"
std::string describe(const proto::MountInfo& m) {
  std::string opts;
  for (const auto& [k, v] : m.options()) opts += fmt::format(" {}={}", k, isSecretOption(k) ? "******" : v);
  return fmt::format("({}{})", m.readonly() ? "readonly" : "read-write", opts);
}

// key=value per --option; false (with the message printed) for one that is not.
bool parseOptions(const char* command, const std::vector<std::string>& given, std::map<std::string, std::string>* out) {
  for (const auto& kv : given) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "shoal " << command << ": --option '" << kv << "' is not key=value\n";
      return false;
    }
    (*out)[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return true;
}

void registerUpdateMount(CLI::App& fs, CliContext& ctx) {
  auto* update = fs.add_subcommand(
      "update-mount", "Change a mounted store's options (credentials too) or read-only flag in place, without a "
                      "remount: cached data stays, and every process switches to a store client with the new options");
  struct Opts {
    std::string path;
    std::vector<std::string> options, unset;
    bool readonly = false, readwrite = false;
  };
  auto o = std::make_shared<Opts>();
  update->add_option("path", o->path, "Mount point")->required();
  repeatable(update->add_option("--option", o->options, "Backend option key=value to set (repeat for more)"));
  repeatable(update->add_option("--unset-option", o->unset, "Backend option to remove (repeat for more)"));
  auto* ro = update->add_flag("--readonly", o->readonly, "Refuse every write below the mount point from now on");
  update->add_flag("--readwrite", o->readwrite, "Allow writes below the mount point again")->excludes(ro);
  update->callback([&ctx, o] {
    std::map<std::string, std::string> set;
    if (!parseOptions("fs update-mount", o->options, &set)) {
      ctx.exit_code = 2;
      return;
    }
    std::optional<bool> readonly;
    if (o->readonly || o->readwrite) readonly = o->readonly;
    auto m = ctx.master().updateMount(o->path, set, o->unset, readonly);
    if (!m) ctx.fail("fs update-mount", m.error());
    else std::cout << "Updated the mount of " << m->uri() << " at " << m->path() << ": " << describe(*m) << "\n";
  });
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
      for (const auto& m : *table) std::cout << fmt::format("{:<40}  on  {:<24}  {}\n", m.uri(), m.path(), describe(m));
      return;
    }
    if (o->uri.empty()) {
      std::cerr << "shoal fs mount: give both PATH and URI (or neither, to print the mount table)\n";
      ctx.exit_code = 2;
      return;
    }
    std::map<std::string, std::string> options;
    if (!parseOptions("fs mount", o->options, &options)) {
      ctx.exit_code = 2;
      return;
    }
    Status st = ctx.master().mount(o->path, o->uri, o->readonly, options);
    if (!st) ctx.fail("fs mount", st);
    else std::cout << "Mounted " << o->uri << " at " << o->path << "\n";
  });

  registerUpdateMount(fs, ctx);

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
