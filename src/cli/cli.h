// The `shoal` command line. Each command group registers its subcommands on the CLI11 app
// (fs_command.cc, conf_command.cc, ...); run() strips -Dkey=value overrides (accepted anywhere on
// any command), loads the configuration, parses and dispatches.
// Exit codes: 0 success, 1 the operation failed, 2 bad usage or configuration.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "client/context.h"
#include "common/configuration.h"
#include "common/live_config.h"

namespace shoal::cli {

struct CliContext {
  explicit CliContext(Configuration c) : conf(std::move(c)) {}
  Configuration conf;
  std::vector<std::string> overrides;  // the -Dkey=value given on the command line (without "-D")
  int exit_code = 0;
  // The client (master stub, workers, stores, reader), made on first use so that commands that
  // need none never connect; it takes the cluster's values of the hot client keys.
  client::Context& client();
  stubs::MasterClient& master() { return client().master(); }
  client::FileReader& reader() { return client().reader(); }
  Result<std::unique_ptr<client::FileWriter>> createFile(const std::string& path, const client::WriteOptions& options) {
    return client().createFile(path, options);
  }
  // Prints "shoal <command> <message>" (or "shoal <command>: <message>") to stderr; sets exit 1.
  void fail(const std::string& command, const Status& status);

 private:
  std::unique_ptr<LiveConfig> live_;  // this machine's configuration under the cluster's (hot keys)
  std::unique_ptr<client::Context> client_;
};

// A list option that takes one value per occurrence (`--option a=1 --option b=2`), so it can
// never swallow the positionals after it; CLI11's default for a vector is greedy.
inline CLI::Option* repeatable(CLI::Option* opt) {
  return opt->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void registerFsCommands(CLI::App& app, CliContext& ctx);
void registerFsMountCommands(CLI::App& fs, CliContext& ctx);
void registerFsBucketCommands(CLI::App& fs, CliContext& ctx);
void registerFsUsageCommands(CLI::App& fs, CliContext& ctx);
void registerConfCommands(CLI::App& app, CliContext& ctx);
// conf_cluster_command.cc: set, unset, history, status.
void registerConfClusterCommands(CLI::App& conf, CliContext& ctx);
// The cluster configuration from the leading master, within `timeout_ms`.
Result<proto::ClusterConf> fetchClusterConf(CliContext& ctx, int64_t timeout_ms);
void registerMasterCommand(CLI::App& app, CliContext& ctx);
void registerFsadminCommands(CLI::App& app, CliContext& ctx);
void registerQuorumCommands(CLI::App& fsadmin, CliContext& ctx);
void registerWorkerStateCommands(CLI::App& fsadmin, CliContext& ctx);
void registerS3KeyCommands(CLI::App& fsadmin, CliContext& ctx);
void registerJournalRepairCommand(CLI::App& journal, CliContext& ctx);
void registerBenchCommand(CLI::App& app);
// `shoal bench ARGS...` runs shoal-bench ARGS...; returns only if it cannot.
int execBench(int argc, char** argv);
void registerFsLeaderCommand(CLI::App& fs, CliContext& ctx);
void registerFsReadCommands(CLI::App& fs, CliContext& ctx);
void registerFsCacheCommands(CLI::App& fs, CliContext& ctx);
void registerFsWriteCommands(CLI::App& fs, CliContext& ctx);
void registerFsLoadCommands(CLI::App& fs, CliContext& ctx);
void registerLocalCommands(CLI::App& app, CliContext& ctx);
void registerFuseCommands(CLI::App& app, CliContext& ctx);

// fs_read_command.cc: shared with cp.
Status copyToLocal(CliContext& ctx, const std::string& src, const std::string& dst);
// The whole file through `sink`; re-reads once from the start if the store's copy changed.
Status streamShoalFile(CliContext& ctx, const std::string& path, const std::function<Status(const char*, size_t)>& sink);

int run(int argc, char** argv);

}  // namespace shoal::cli
