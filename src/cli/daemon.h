// Runs a daemon (MasterProcess, WorkerProcess) in the foreground until SIGINT/SIGTERM: the shared
// start-up plumbing of `shoal master` and `shoal worker`.
#pragma once

#include <iostream>

#include "cli/cli.h"
#include "common/termination.h"

namespace shoal::cli {

template <typename Process>
void runDaemon(CliContext& ctx, const std::string& role) {
  blockTerminationSignals();
  Process process(ctx.conf);
  Status st = process.start();
  if (!st) {
    std::cerr << "shoal " << role << ": " << st.message() << "\n";
    ctx.exit_code = 1;
    return;
  }
  std::cout << "Shoal " << role << " serving on " << process.address() << std::endl;
  int sig = waitForTerminationSignal();
  std::cout << "Shoal " << role << " stopping (signal " << sig << ")" << std::endl;
  process.stop();
}

}  // namespace shoal::cli
