// `shoal fsadmin report`: the cluster as the master sees it; `fsadmin journal` is quorum_command.cc.
#include <iostream>

#include "cli/cli.h"
#include "cli/format.h"
#include "stubs/worker_registry_client.h"
#include "master/workers/cluster_counters.h"
#include "master/workers/worker_admin.h"

namespace shoal::cli {

void registerFsadminCommands(CLI::App& app, CliContext& ctx) {
  auto* fsadmin = app.add_subcommand("fsadmin", "Administration commands");
  fsadmin->require_subcommand(1);
  registerQuorumCommands(*fsadmin, ctx);
  registerWorkerStateCommands(*fsadmin, ctx);
  registerS3KeyCommands(*fsadmin, ctx);
  auto* report = fsadmin->add_subcommand("report", "Master summary, and live and lost workers with tier capacity and use");
  auto* metrics = report->add_subcommand(
      "metrics", "Cluster-wide cumulative counters: cache hit rate, bytes served by path, bytes read from stores");
  metrics->callback([&ctx] {
    stubs::WorkerRegistryClient registry(ctx.master().addresses(), ctx.conf.getDurationMs(keys::kUserRpcTimeout));
    auto workers = registry.workers(/*include_lost=*/true);
    if (!workers) return ctx.fail("fsadmin report metrics", workers.error());
    auto sums = registry.clusterSums();
    if (!sums) return ctx.fail("fsadmin report metrics", sums.error());
    const proto::WorkerCounters& c = sums->cluster_counters();
    const proto::ClientCounters& k = sums->client_counters();
    uint64_t served = master::servedBytes(c);
    std::cout << fmt::format("Workers reporting:        {}\n", workers->size())
              << fmt::format("Cache hit rate (pages):   {:.1f}% ({} hits, {} misses)\n", 100 * master::hitRate(c),
                             c.cache_hits(), c.cache_misses())
              << fmt::format("Cache hit rate (bytes):   {:.1f}%\n", 100 * master::byteHitRate(c))
              << fmt::format("Bytes served:             {} ({} short-circuit, {} gRPC, {} data port)\n", served,
                             c.served_short_circuit_bytes(), c.served_grpc_bytes(), c.served_data_port_bytes())
              << fmt::format("Bytes read from stores:   {}\n", c.store_read_bytes())
              << fmt::format("Pages evicted:            {}\n", c.evictions())
              << fmt::format("Clients reporting:        {} live\n", sums->live_clients())
              << fmt::format("Client bytes read:        {} short-circuit, {} from workers, {} from stores\n",
                             k.short_circuit_bytes(), k.worker_bytes(), k.store_bytes())
              << fmt::format("Client metadata cache:    {} hits, {} misses\n", k.metadata_cache_hits(),
                             k.metadata_cache_misses());
  });
  report->callback([&ctx, metrics] {
    if (metrics->parsed()) return;
    auto info = ctx.master().masterInfo();
    if (!info) {
      ctx.fail("fsadmin report", info.error());
      return;
    }
    stubs::WorkerRegistryClient registry(ctx.master().addresses(), ctx.conf.getDurationMs(keys::kUserRpcTimeout));
    auto workers = registry.workers(/*include_lost=*/true);
    if (!workers) {
      ctx.fail("fsadmin report", workers.error());
      return;
    }
    size_t live = 0;
    uint64_t capacity = 0, used = 0;
    for (const auto& w : *workers) {
      if (!w.live()) continue;
      ++live;
      for (const auto& t : w.tiers()) {
        capacity += t.capacity();
        used += t.used();
      }
    }
    std::cout << fmt::format("Master:          {} (version {}, started {})\n", info->rpc_address().empty() ? ctx.master().address() : info->rpc_address(),
                             info->version(), timeString(info->start_time_ms()))
              << fmt::format("Inodes:          {}\n", info->inode_count())
              << fmt::format("Journal:         sequence {}\n", info->journal_sequence())
              << fmt::format("Skipped names:   {} (store names Shoal cannot hold; see the master log)\n",
                             info->unholdable_store_names())
              << fmt::format("Live workers:    {}\n", live)
              << fmt::format("Lost workers:    {}\n", workers->size() - live)
              << fmt::format("Cache capacity:  {} ({} used)\n\n", sizeString(capacity, true), sizeString(used, true));
    std::cout << fmt::format("{:<6} {:<24} {:<6} {:<6} {:>10} {:>10} {:>8}  {:<19}  {}\n", "ID", "ADDRESS", "STATE",
                             "TIER", "CAPACITY", "USED", "PAGES", "LAST HEARTBEAT", "ADMIN");
    for (const auto& w : *workers) {
      std::string admin = master::workerStateName(w.state());
      if (w.state() == proto::WORKER_DECOMMISSIONING) {
        const auto& h = w.handover();
        admin += fmt::format(" ({} pages copied, {} left{})", h.pages_copied(), h.pages_left(),
                             h.error().empty() ? "" : "; " + h.error());
      }
      for (const auto& t : w.tiers()) {
        std::cout << fmt::format("{:<6} {:<24} {:<6} {:<6} {:>10} {:>10} {:>8}  {:<19}  {}\n", w.id(), w.address(),
                                 w.live() ? "LIVE" : "LOST", t.name(), sizeString(t.capacity(), true),
                                 sizeString(t.used(), true), t.pages(), timeString(w.last_heartbeat_ms()), admin);
      }
    }
  });
}

}  // namespace shoal::cli
