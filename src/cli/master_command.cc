// `shoal master`: runs a master in the foreground until SIGINT/SIGTERM.
#include <iostream>

#include "cli/cli.h"
#include "common/termination.h"
#include "master/master_process.h"

namespace shoal::cli {

void registerMasterCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("master",
                                 "Run a master in the foreground (shoal.master.* keys configure it; stop with Ctrl-C "
                                 "or SIGTERM)");
  cmd->callback([&ctx] {
    blockTerminationSignals();
    master::MasterProcess master(ctx.conf);
    Status st = master.start();
    if (!st) {
      std::cerr << "shoal master: " << st.message() << "\n";
      ctx.exit_code = 1;
      return;
    }
    std::cout << "Shoal master serving on " << master.address() << std::endl;
    int sig = waitForTerminationSignal();
    std::cout << "Shoal master stopping (signal " << sig << ")" << std::endl;
    master.stop();
  });
}

}  // namespace shoal::cli
