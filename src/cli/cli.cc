#include "cli/cli.h"

#include <iostream>

#include "client/client_settings.h"
#include "common/logging.h"
#include "shoal_version.h"

namespace shoal::cli {

client::Context& CliContext::client() {
  if (!client_) {
    client_ = std::make_unique<client::Context>(conf);
    // The cluster's values of hot client keys apply to this command too (a path rule on the default
    // write type, say). A master that cannot be asked leaves the machine's own values; the command's
    // own call then says what is wrong.
    live_ = std::make_unique<LiveConfig>(conf);
    auto cluster = fetchClusterConf(*this, std::min<int64_t>(3000, conf.getDurationMs(keys::kUserRpcTimeout)));
    if (cluster) {
      std::vector<ConfRuleValue> rules;
      for (const auto& r : cluster->rules()) rules.push_back(ConfRuleValue{r.key(), r.value(), r.path()});
      Status st = live_->update(cluster->version(), std::move(rules));
      if (!st) std::cerr << "shoal: ignoring the cluster configuration: " << st.message() << "\n";
    }
    client_->applySettings(client::ClientSettings::from(*live_->current()));
  }
  return *client_;
}

void CliContext::fail(const std::string& command, const Status& status) {
  const std::string& msg = status.message();
  if (!msg.empty() && msg.front() == '/') std::cerr << "shoal " << command << " " << msg << "\n";
  else std::cerr << "shoal " << command << ": " << msg << "\n";
  exit_code = 1;
}

int run(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "bench") return execBench(argc, argv);
  std::vector<std::string> overrides;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("-D", 0) == 0 && a.size() > 2) overrides.push_back(a.substr(2));
    else args.push_back(std::move(a));
  }
  auto conf = Configuration::load(Configuration::confDirFromEnv(), overrides);
  if (!conf) {
    std::cerr << "shoal: configuration error: " << conf.error().message() << "\n";
    return 2;
  }
  setLogLevel(conf->getString(keys::kLogLevel));
  CliContext ctx{*conf};
  ctx.overrides = overrides;

  CLI::App app{"Shoal: a distributed data orchestration and caching layer.\n"
               "Any command also takes -Dkey=value to override a configuration key "
               "(see `shoal conf list`); $SHOAL_CONF_DIR/shoal-site.properties is read first."};
  app.name("shoal");
  app.require_subcommand(1);
  app.add_subcommand("version", "Print the Shoal version")->callback([] {
    std::cout << "Shoal " << kShoalVersion << " (revision " << kShoalRevision << ", " << kShoalBuildType << ")\n";
  });
  registerFsCommands(app, ctx);
  registerConfCommands(app, ctx);
  registerMasterCommand(app, ctx);
  registerFsadminCommands(app, ctx);
  registerLocalCommands(app, ctx);
  registerFuseCommands(app, ctx);
  registerBenchCommand(app);

  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Name the word CLI11 could not place ("A subcommand is required" alone hides it).
    const CLI::App* deepest = &app;
    std::string chain = "shoal";
    while (!deepest->get_subcommands().empty()) {
      deepest = deepest->get_subcommands().front();
      chain += " " + deepest->get_name();
    }
    auto extra = deepest->remaining();
    if (!extra.empty()) {
      std::cerr << chain << " " << extra.front() << ": unknown command or argument (see --help)\n";
    } else {
      app.exit(e);
    }
    return 2;
  }
  return ctx.exit_code;
}

}  // namespace shoal::cli
