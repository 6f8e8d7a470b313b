// `shoal master` and `shoal worker`: run a daemon in the foreground until SIGINT/SIGTERM.
#include "cli/daemon.h"
#include "master/master_process.h"
#include "worker/worker_process.h"

namespace shoal::cli {

void registerMasterCommand(CLI::App& app, CliContext& ctx) {
  app.add_subcommand("master",
                     "Run a master in the foreground (shoal.master.* keys configure it; stop with Ctrl-C or SIGTERM)")
      ->callback([&ctx] { runDaemon<master::MasterProcess>(ctx, "master", keys::kMasterRpcPort); });
  app.add_subcommand("worker",
                     "Run a worker in the foreground (shoal.worker.* keys configure it; it registers with the "
                     "master at shoal.master.hostname:shoal.master.rpc.port)")
      ->callback([&ctx] { runDaemon<worker::WorkerProcess>(ctx, "worker", keys::kWorkerRpcPort); });
}

}  // namespace shoal::cli
