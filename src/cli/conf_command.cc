// `shoal conf list|get`: the declared keys and the effective values (for a hot key, under the
// cluster configuration when the master can be asked).
#include <iostream>

#include "cli/cli.h"
#include "common/units.h"

namespace shoal::cli {
namespace {

std::string markdownEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out.push_back(c);
  }
  return out;
}

}  // namespace

void registerConfCommands(CLI::App& app, CliContext& ctx) {
  auto* conf = app.add_subcommand("conf", "Configuration keys and values");
  conf->require_subcommand(1);

  auto* list = conf->add_subcommand("list", "Every key with its type, default, mutability (static: needs a restart) and description");
  auto markdown = std::make_shared<bool>(false);
  list->add_flag("--markdown", *markdown, "Print the table docs/config-reference.md is made of");
  list->callback([markdown] {
    if (*markdown) {
      std::cout << "| key | type | default | mutability | description |\n|---|---|---|---|---|\n";
      for (const auto& k : allPropertyKeys()) {
        std::cout << "| `" << k.name << "` | " << keyTypeName(k.type) << " | `" << markdownEscape(k.default_value)
                  << "` | " << mutabilityName(k.mutability) << " | " << markdownEscape(k.description) << " |\n";
      }
      return;
    }
    for (const auto& k : allPropertyKeys()) {
      std::cout << k.name << "\n    type: " << keyTypeName(k.type) << ", default: "
                << (k.default_value.empty() ? "(empty)" : std::string(k.default_value))
                << ", " << mutabilityName(k.mutability) << "\n    " << k.description << "\n";
    }
  });

  auto* get = conf->add_subcommand(
      "get", "Print the effective value of a key: default, site file, -D, and for a hot key the cluster's value or path rule");
  auto key = std::make_shared<std::string>();
  auto source = std::make_shared<bool>(false);
  auto path = std::make_shared<std::string>();
  auto local = std::make_shared<bool>(false);
  get->add_option("key", *key, "Configuration key")->required();
  get->add_flag("--source", *source, "Also say where the value came from");
  get->add_option("--path", *path, "The value for this path (path rules of per-path keys)");
  get->add_flag("--local", *local, "This machine's own value: do not ask the master for the cluster's");
  get->callback([&ctx, key, source, path, local] {
    const PropertyKey* decl = findPropertyKey(*key);
    if (decl == nullptr) {
      std::cerr << "shoal conf get: unknown configuration key '" << *key << "' (`shoal conf list` shows every key)\n";
      ctx.exit_code = 1;
      return;
    }
    Configuration effective = ctx.conf;
    if (decl->mutability == Mutability::kHot && !*local) {
      auto cluster = fetchClusterConf(ctx, 3000);
      if (!cluster) {
        std::cerr << "shoal conf get: the cluster configuration could not be read (" << cluster.error().message()
                  << "); showing this machine's own value\n";
      } else {
        std::vector<ConfRuleValue> rules;
        for (const auto& r : cluster->rules()) rules.push_back(ConfRuleValue{r.key(), r.value(), r.path()});
        auto applied = ctx.conf.withRules(rules, *path);
        if (!applied) return ctx.fail("conf get", applied.error());
        effective = std::move(*applied);
      }
    }
    std::cout << effective.getString(*key);
    if (*source) std::cout << "  (" << valueSourceName(effective.sourceOf(*key)) << ")";
    std::cout << "\n";
  });
  registerConfClusterCommands(*conf, ctx);
}

}  // namespace shoal::cli
