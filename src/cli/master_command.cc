// `shoal master`, `shoal worker` and `shoal proxy`: run a daemon in the foreground until SIGINT/SIGTERM.
#include "cli/daemon.h"
#include "cli/worker_node.h"
#include "master/master_process.h"
#include "s3/proxy_process.h"

namespace shoal::cli {

void registerMasterCommand(CLI::App& app, CliContext& ctx) {
  app.add_subcommand("master",
                     "Run a master in the foreground (shoal.master.* keys configure it; stop with Ctrl-C or SIGTERM)")
      ->callback([&ctx] { runDaemon<master::MasterProcess>(ctx, "master", keys::kMasterRpcPort); });
  app.add_subcommand("worker",
                     "Run a worker in the foreground (shoal.worker.* keys configure it; it registers with the "
                     "master at shoal.master.hostname:shoal.master.rpc.port; shoal.worker.s3.enabled adds an S3 "
                     "endpoint at shoal.worker.s3.port)")
      ->callback([&ctx] { runDaemon<WorkerNode>(ctx, "worker", keys::kWorkerRpcPort); });
  app.add_subcommand("proxy",
                     "Run the S3 gateway in the foreground (shoal.proxy.* keys configure it; requests are signed with "
                     "the access keys of shoal.proxy.s3.keys.file)")
      ->callback([&ctx] { runDaemon<s3::ProxyProcess>(ctx, "proxy", keys::kProxyPort); });
}

}  // namespace shoal::cli
