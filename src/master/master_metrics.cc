#include "master/master_metrics.h"

#include <chrono>

#include "master/fs/file_system_master.h"
#include "master/journal/raft_journal.h"
#include "master/workers/cluster_counters.h"
#include "master/workers/worker_registry.h"

namespace shoal::master {
void declareMasterMetrics(metrics::Registry& r, FileSystemMaster& fs, Journal& journal, RaftJournal* raft,
                          WorkerRegistry& workers) {
  using metrics::MetricType;
  using metrics::SeriesSample;
  r.gaugeFn("shoal_master_inodes", "Files and directories in the namespace.",
            [&fs] { return static_cast<int64_t>(fs.inodeCount()); });
  r.gaugeFn("shoal_master_mounts", "Entries of the mount table.",
            [&fs] { return static_cast<int64_t>(fs.mountTable().size()); });
  r.gaugeFn("shoal_master_journal_sequence", "Sequence number of the last journaled change.",
            [&journal] { return static_cast<int64_t>(journal.lastSequence()); });
  r.gaugeFn("shoal_master_serving", "1 while this master serves the namespace (the leader, or a single master).",
            [&journal] { return journal.servingStatus().isOk() ? 1 : 0; });
  if (raft != nullptr) {
    r.callbackFamily("shoal_master_raft_index", "Raft log indexes of this member: last, commit and applied.",
                     MetricType::kGauge, {"kind"}, [raft](std::vector<SeriesSample>& out) {
                       RaftState s = raft->state();
                       out.push_back({.label_values = {"last"}, .value = static_cast<double>(s.last_index)});
                       out.push_back({.label_values = {"commit"}, .value = static_cast<double>(s.commit_index)});
                       out.push_back({.label_values = {"applied"}, .value = static_cast<double>(s.applied_index)});
                     });
    r.gaugeFn("shoal_master_raft_term", "Current Raft term of this member.",
              [raft] { return static_cast<int64_t>(raft->state().term); });
  }
  r.callbackFamily("shoal_master_workers", "Registered workers, live or lost (no heartbeat within the timeout).",
                   MetricType::kGauge, {"state"}, [&workers](std::vector<SeriesSample>& out) {
                     double live = 0, lost = 0;
                     for (const auto& w : workers.workers(true, nowMs())) (w.live() ? live : lost) += 1;
                     out.push_back({.label_values = {"live"}, .value = live});
                     out.push_back({.label_values = {"lost"}, .value = lost});
                   });
  // Sums of the workers' cumulative counters (live and lost), as of their last heartbeats.
  auto sums = [&workers] { return sumCounters(workers.workers(true, nowMs())); };
  r.counterFn("shoal_cluster_cache_hits_total", "Page reads answered from a worker's cache, cluster-wide.",
              [sums] { return sums().cache_hits(); });
  r.counterFn("shoal_cluster_cache_misses_total", "Page reads that went to an under-store, cluster-wide.",
              [sums] { return sums().cache_misses(); });
  r.counterFn("shoal_cluster_store_read_bytes_total", "Bytes workers read from under-stores, cluster-wide.",
              [sums] { return sums().store_read_bytes(); });
  r.counterFn("shoal_cluster_evictions_total", "Pages evicted by workers, cluster-wide.",
              [sums] { return sums().evictions(); });
  r.callbackFamily("shoal_cluster_served_bytes_total", "Bytes workers handed to clients, by path, cluster-wide.",
                   MetricType::kCounter, {"path"}, [sums](std::vector<SeriesSample>& out) {
                     auto s = sums();
                     out.push_back({.label_values = {"short_circuit"}, .value = static_cast<double>(s.served_short_circuit_bytes())});
                     out.push_back({.label_values = {"grpc"}, .value = static_cast<double>(s.served_grpc_bytes())});
                     out.push_back({.label_values = {"data_port"}, .value = static_cast<double>(s.served_data_port_bytes())});
                   });
  r.callbackFamily("shoal_master_cluster_cache_bytes", "Cache capacity and use summed over live workers, by tier.",
                   MetricType::kGauge, {"tier", "kind"}, [&workers](std::vector<SeriesSample>& out) {
                     std::map<std::string, std::pair<double, double>> tiers;
                     for (const auto& w : workers.workers(false, nowMs())) {
                       for (const auto& t : w.tiers()) {
                         tiers[t.name()].first += static_cast<double>(t.capacity());
                         tiers[t.name()].second += static_cast<double>(t.used());
                       }
                     }
                     for (const auto& [tier, cu] : tiers) {
                       out.push_back({.label_values = {tier, "capacity"}, .value = cu.first});
                       out.push_back({.label_values = {tier, "used"}, .value = cu.second});
                     }
                   });
}

}  // namespace shoal::master
