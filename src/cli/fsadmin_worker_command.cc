// `shoal fsadmin decommission worker HOST:PORT` and `shoal fsadmin enable worker HOST:PORT`: take
// a worker out of page placement (it hands its pinned and cache-only pages over, then reports
// decommissioned) or let it back in. `--wait` follows the hand-over until it is done.
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/cli.h"
#include "stubs/worker_registry_client.h"
#include "master/workers/worker_admin.h"

namespace shoal::cli {
namespace {

// The worker's entry in the master's list, if it has one.
std::optional<proto::WorkerInfo> findWorker(stubs::WorkerRegistryClient& registry, const std::string& address,
                                            Status* error) {
  auto workers = registry.workers(/*include_lost=*/true);
  if (!workers) {
    *error = workers.error();
    return std::nullopt;
  }
  for (const auto& w : *workers) {
    if (w.address() == address) return w;
  }
  return std::nullopt;
}

// Follows the hand-over until the master reports the worker decommissioned; fails if the worker
// is lost first (its pages are then beyond reach) or enabled meanwhile.
Status waitDecommissioned(stubs::WorkerRegistryClient& registry, const std::string& address) {
  std::string last;
  for (;;) {
    Status error;
    auto w = findWorker(registry, address, &error);
    if (!error) return error;
    if (!w) return Status(StatusCode::kNotFound, "worker " + address + " left the master's list");
    if (w->state() == proto::WORKER_DECOMMISSIONED) return Status::ok();
    if (w->state() == proto::WORKER_ACTIVE) return Status(StatusCode::kFailedPrecondition, "worker " + address + " was enabled again");
    if (!w->live()) {
      return Status(StatusCode::kUnavailable,
                    "worker " + address + " is lost (no heartbeat); the hand-over continues when it is back");
    }
    const auto& h = w->handover();
    std::string now = fmt::format("{} pages copied, {} left{}", h.pages_copied(), h.pages_left(),
                                  h.error().empty() ? "" : " (" + h.error() + ")");
    if (now != last) std::cout << "  " << now << "\n" << std::flush;
    last = now;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // polling a remote state: no event to wait on
  }
}

}  // namespace

void registerWorkerStateCommands(CLI::App& fsadmin, CliContext& ctx) {
  struct Args {
    std::string address;
    bool wait = false;
  };
  auto args = std::make_shared<Args>();
  auto* decommission = fsadmin.add_subcommand("decommission", "Take a worker out: it gets no new pages and hands "
                                                              "its pinned and cache-only pages to the others");
  decommission->require_subcommand(1);
  auto* dw = decommission->add_subcommand("worker", "Decommission the worker at HOST:PORT (as `fsadmin report` lists it)");
  dw->add_option("address", args->address, "The worker's HOST:PORT")->required();
  dw->add_flag("--wait", args->wait, "Wait until it has handed everything over and can be stopped");
  dw->callback([&ctx, args] {
    stubs::WorkerRegistryClient registry(ctx.master().addresses(), ctx.conf.getDurationMs(keys::kUserRpcTimeout));
    auto before = registry.setWorkerState(args->address, proto::WORKER_DECOMMISSIONING);
    if (!before) return ctx.fail("fsadmin decommission worker", before.error());
    if (*before == proto::WORKER_DECOMMISSIONED) {
      std::cout << "Worker " << args->address << " is already decommissioned\n";
      return;
    }
    std::cout << "Worker " << args->address
              << (*before == proto::WORKER_DECOMMISSIONING ? " is already being decommissioned\n"
                                                           : " is being decommissioned: it takes no new pages and "
                                                             "hands its pinned and cache-only pages over\n");
    if (!args->wait) {
      std::cout << "Follow it with `shoal fsadmin report`; it can be stopped once DECOMMISSIONED\n";
      return;
    }
    Status st = waitDecommissioned(registry, args->address);
    if (!st) return ctx.fail("fsadmin decommission worker", st);
    std::cout << "Worker " << args->address << " is decommissioned: it can be stopped with nothing lost\n";
  });
  auto* enable = fsadmin.add_subcommand("enable", "Let a decommissioned worker take pages again");
  enable->require_subcommand(1);
  auto* ew = enable->add_subcommand("worker", "Enable the worker at HOST:PORT");
  ew->add_option("address", args->address, "The worker's HOST:PORT")->required();
  ew->callback([&ctx, args] {
    stubs::WorkerRegistryClient registry(ctx.master().addresses(), ctx.conf.getDurationMs(keys::kUserRpcTimeout));
    auto before = registry.setWorkerState(args->address, proto::WORKER_ACTIVE);
    if (!before) return ctx.fail("fsadmin enable worker", before.error());
    if (*before == proto::WORKER_ACTIVE) {
      std::cout << "Worker " << args->address << " is already active\n";
      return;
    }
    std::cout << "Worker " << args->address << " is active again (it was " << master::workerStateName(*before) << ")\n";
  });
}

}  // namespace shoal::cli
