// `shoal conf set|unset|history|status`: the cluster configuration kept in the master's journal,
// and `conf get`'s view of it (the effective value of a hot key as a process here would apply it).
#include <iostream>

#include "cli/cli.h"
#include "cli/format.h"
#include "stubs/conf_client.h"
#include "stubs/master_connection.h"

namespace shoal::cli {
namespace {

// "KEY=VALUE" into a change; the error names the argument.
Result<proto::ConfChange> parseAssignment(const std::string& arg, const std::string& path) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) {
    return makeError(invalidArgument("'" + arg + "' is not KEY=VALUE"));
  }
  proto::ConfChange c;
  c.set_key(arg.substr(0, eq));
  c.set_value(arg.substr(eq + 1));
  c.set_path(path);
  return c;
}

std::string describe(const proto::ConfChange& c) {
  std::string s = c.unset() ? "unset " + c.key() : c.key() + "=" + c.value();
  if (!c.path().empty()) s += " (path " + c.path() + ")";
  return s;
}

}  // namespace

Result<proto::ClusterConf> fetchClusterConf(CliContext& ctx, int64_t timeout_ms) {
  stubs::MasterConnection conn(stubs::MasterConnection::addressesFrom(ctx.conf), timeout_ms);
  return stubs::ConfClient(conn).get();
}

void registerConfClusterCommands(CLI::App& conf, CliContext& ctx) {
  auto* set = conf.add_subcommand(
      "set", "Change hot keys on the running cluster: journaled at the master, applied by every process within a second");
  auto assignments = std::make_shared<std::vector<std::string>>();
  auto path = std::make_shared<std::string>();
  auto dry_run = std::make_shared<bool>(false);
  set->add_option("assignments", *assignments, "KEY=VALUE pairs, applied together as one version")->required();
  set->add_option("--path", *path, "Apply to the paths under this prefix only (per-path client keys)");
  set->add_flag("--dry-run", *dry_run, "Check the change at the master without applying it");
  set->callback([&ctx, assignments, path, dry_run] {
    std::vector<proto::ConfChange> changes;
    for (const auto& a : *assignments) {
      auto c = parseAssignment(a, *path);
      if (!c) return ctx.fail("conf set", c.error());
      changes.push_back(std::move(*c));
    }
    auto v = stubs::ConfClient(ctx.master().connection()).set(changes, *dry_run);
    if (!v) return ctx.fail("conf set", v.error());
    if (*dry_run) std::cout << "valid: would become version " << *v + 1 << " (nothing changed)\n";
    else std::cout << "cluster configuration version " << *v << "\n";
  });

  auto* unset = conf.add_subcommand("unset", "Remove cluster values: the keys go back to each process's own");
  auto keys = std::make_shared<std::vector<std::string>>();
  auto unset_path = std::make_shared<std::string>();
  unset->add_option("keys", *keys, "Keys whose cluster value (or path rule with --path) to remove")->required();
  unset->add_option("--path", *unset_path, "Remove the rule of this prefix");
  unset->callback([&ctx, keys, unset_path] {
    std::vector<proto::ConfChange> changes;
    for (const auto& k : *keys) {
      proto::ConfChange c;
      c.set_key(k);
      c.set_path(*unset_path);
      c.set_unset(true);
      changes.push_back(std::move(c));
    }
    auto v = stubs::ConfClient(ctx.master().connection()).set(changes, false);
    if (!v) return ctx.fail("conf unset", v.error());
    std::cout << "cluster configuration version " << *v << "\n";
  });

  auto* history = conf.add_subcommand("history", "Accepted changes of the cluster configuration, newest first");
  auto limit = std::make_shared<uint32_t>(20);
  history->add_option("--limit", *limit, "How many (0: all the master keeps, up to 1000)")->check(CLI::Range(0, 1000));
  history->callback([&ctx, limit] {
    auto records = stubs::ConfClient(ctx.master().connection()).history(*limit);
    if (!records) return ctx.fail("conf history", records.error());
    if (records->empty()) std::cout << "no changes yet\n";
    for (const auto& r : *records) {
      std::string what;
      for (const auto& c : r.changes()) what += (what.empty() ? "" : ", ") + describe(c);
      std::cout << "version " << r.version() << "  " << timeString(r.time_ms()) << "  " << r.user() << "@"
                << r.client() << "  " << what << "\n";
    }
  });

  auto* status = conf.add_subcommand("status", "Each process and the cluster configuration version it applied");
  status->callback([&ctx] {
    auto s = stubs::ConfClient(ctx.master().connection()).status();
    if (!s) return ctx.fail("conf status", s.error());
    size_t behind = 0;
    std::cout << "cluster configuration version " << s->version() << "\n";
    for (const auto& p : s->processes()) {
      bool current = p.applied_version() >= s->version();
      if (p.live() && !current) ++behind;
      std::cout << fmt::format("  {:<7} {:<40} {:<10} {}{}\n", p.kind(), p.id(), "v" + std::to_string(p.applied_version()),
                               p.live() ? (current ? "current" : "BEHIND") : "lost",
                               p.host().empty() || p.host() == p.id() ? "" : "  (" + p.host() + ")");
    }
    std::cout << (behind == 0 ? "every live process applied it\n" : std::to_string(behind) + " live process(es) behind\n");
  });
}

}  // namespace shoal::cli
