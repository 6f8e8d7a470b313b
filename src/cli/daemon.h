// Runs a daemon (MasterProcess, WorkerProcess) in the foreground until SIGINT/SIGTERM: the shared
// start-up plumbing of `shoal master` and `shoal worker`. The log goes to stderr and to
// shoal.log.dir/<role>-<rpc port>.log.
#pragma once

#include <iostream>

#include "cli/cli.h"
#include "common/termination.h"
#include "daemon/daemon.h"

namespace shoal::cli {

template <typename Process>
void runDaemon(CliContext& ctx, const std::string& role, std::string_view port_key) {
  blockTerminationSignals();
  auto log = daemon::openDaemonLog(ctx.conf, role + "-" + ctx.conf.getString(port_key));
  if (!log) {
    std::cerr << "shoal " << role << ": " << log.error().message() << "\n";
    ctx.exit_code = 1;
    return;
  }
  Process process(ctx.conf);
  Status st = process.start();
  if (!st) {
    std::cerr << "shoal " << role << ": " << st.message() << "\n";
    ctx.exit_code = 1;
    return;
  }
  std::cout << "Shoal " << role << " serving on " << process.address() << std::endl;
  if (!process.webAddress().empty()) std::cout << "Web and metrics: http://" << process.webAddress() << "/" << std::endl;
  if constexpr (requires { process.s3Address(); }) {
    if (!process.s3Address().empty()) std::cout << "S3 endpoint: http://" << process.s3Address() << "/" << std::endl;
  }
  if (!log->empty()) std::cout << "Log: " << *log << std::endl;
  int sig = waitForTerminationSignal();
  std::cout << "Shoal " << role << " stopping (signal " << sig << ")" << std::endl;
  process.stop();
}

}  // namespace shoal::cli
