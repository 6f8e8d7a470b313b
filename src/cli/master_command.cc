// `shoal master`, `shoal worker` and `shoal proxy`: run a daemon in the foreground until SIGINT/SIGTERM.
#include "cli/daemon.h"
#include "master/master_process.h"
#include "s3/proxy_process.h"
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
  app.add_subcommand("proxy",
                     "Run the S3 gateway in the foreground (shoal.proxy.* keys configure it; requests are signed with "
                     "the access keys of shoal.proxy.s3.keys.file)")
      ->callback([&ctx] { runDaemon<s3::ProxyProcess>(ctx, "proxy", keys::kProxyPort); });
}

}  // namespace shoal::cli
