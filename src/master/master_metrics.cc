#include "master/master_metrics.h"

#include <chrono>

#include "master/fs/file_system_master.h"
#include "master/journal/raft_journal.h"
#include "master/workers/client_registry.h"
#include "master/workers/worker_registry.h"

namespace shoal::master {
void declareMasterMetrics(metrics::Registry& r, FileSystemMaster& fs, Journal& journal, RaftJournal* raft,
                          WorkerRegistry& workers, ClientRegistry& clients) {
  using metrics::MetricType;
  using metrics::SeriesSample;
  r.gaugeFn("shoal_master_inodes", "Files and directories in the namespace.",
            [&fs] { return static_cast<int64_t>(fs.inodeCount()); });
  r.gaugeFn("shoal_master_mounts", "Entries of the mount table.",
            [&fs] { return static_cast<int64_t>(fs.mountTable().size()); });
  journal.declareMetrics(r);
  fs.declareMetrics(r);
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
    r.gaugeFn("shoal_master_raft_apply_lag", "Committed Raft entries this member has not applied yet.", [raft] {
      RaftState s = raft->state();
      return static_cast<int64_t>(s.commit_index > s.applied_index ? s.commit_index - s.applied_index : 0);
    });
    r.callbackFamily("shoal_master_raft_role", "1 for this member's current Raft role.", MetricType::kGauge, {"role"},
                     [raft](std::vector<SeriesSample>& out) {
                       std::string role = raft->state().role;
                       for (const char* r : {"leader", "follower", "candidate", "unavailable"}) {
                         out.push_back({.label_values = {r}, .value = role == r ? 1.0 : 0.0});
                       }
                     });
  }
  r.callbackFamily("shoal_master_workers", "Registered workers, live or lost (no heartbeat within the timeout).",
                   MetricType::kGauge, {"state"}, [&workers](std::vector<SeriesSample>& out) {
                     auto c = workers.counts(nowMs());
                     out.push_back({.label_values = {"live"}, .value = static_cast<double>(c.live)});
                     out.push_back({.label_values = {"lost"}, .value = static_cast<double>(c.lost)});
                   });
  // The cluster sums exist only where workers heartbeat: a standby leaves them out rather than
  // exporting zeros a dashboard would add to the leader's figures.
  auto cluster = [&journal, &workers](auto&& fill) {
    return [&journal, &workers, fill](std::vector<SeriesSample>& out) {
      if (journal.servingStatus().isOk()) fill(workers.counterTotals(), out);
    };
  };
  auto one = [](uint64_t v, std::vector<SeriesSample>& out) { out.push_back({.value = static_cast<double>(v)}); };
  r.callbackFamily("shoal_cluster_cache_hits_total", "Page reads answered from a worker's cache, cluster-wide.",
                   MetricType::kCounter, {}, cluster([one](const auto& c, auto& out) { one(c.cache_hits(), out); }));
  r.callbackFamily("shoal_cluster_cache_misses_total", "Page reads that went to an under-store, cluster-wide.",
                   MetricType::kCounter, {}, cluster([one](const auto& c, auto& out) { one(c.cache_misses(), out); }));
  r.callbackFamily("shoal_cluster_store_read_bytes_total", "Bytes workers read from under-stores, cluster-wide.",
                   MetricType::kCounter, {}, cluster([one](const auto& c, auto& out) { one(c.store_read_bytes(), out); }));
  r.callbackFamily("shoal_cluster_evictions_total", "Pages evicted by workers, cluster-wide.", MetricType::kCounter, {},
                   cluster([one](const auto& c, auto& out) { one(c.evictions(), out); }));
  r.callbackFamily("shoal_cluster_served_bytes_total", "Bytes workers handed to clients, by path, cluster-wide.",
                   MetricType::kCounter, {"path"}, cluster([](const proto::WorkerCounters& c, std::vector<SeriesSample>& out) {
                     out.push_back({.label_values = {"short_circuit"}, .value = static_cast<double>(c.served_short_circuit_bytes())});
                     out.push_back({.label_values = {"grpc"}, .value = static_cast<double>(c.served_grpc_bytes())});
                     out.push_back({.label_values = {"data_port"}, .value = static_cast<double>(c.served_data_port_bytes())});
                   }));
  r.callbackFamily("shoal_cluster_store_read_bytes_by_mount_total",
                   "Bytes workers read from under-stores, by mount point, cluster-wide.", MetricType::kCounter, {"mount"},
                   cluster([](const proto::WorkerCounters& c, std::vector<SeriesSample>& out) {
                     for (const auto& [mount, bytes] : c.store_read_bytes_by_mount()) {
                       out.push_back({.label_values = {mount}, .value = static_cast<double>(bytes)});
                     }
                   }));
  r.callbackFamily("shoal_master_clients", "Long-lived clients (FUSE daemons) heartbeating, live or lost.",
                   MetricType::kGauge, {"state"}, [&clients](std::vector<SeriesSample>& out) {
                     auto c = clients.counts(nowMs());
                     out.push_back({.label_values = {"live"}, .value = static_cast<double>(c.live)});
                     out.push_back({.label_values = {"lost"}, .value = static_cast<double>(c.lost)});
                   });
  auto client_sums = [&journal, &clients](auto&& fill) {
    return [&journal, &clients, fill](std::vector<SeriesSample>& out) {
      if (journal.servingStatus().isOk()) fill(clients.counterTotals(), out);
    };
  };
  r.callbackFamily("shoal_cluster_client_read_bytes_total",
                   "Bytes long-lived clients read, by source (short_circuit, worker, store), cluster-wide.",
                   MetricType::kCounter, {"source"},
                   client_sums([](const proto::ClientCounters& c, std::vector<SeriesSample>& out) {
                     out.push_back({.label_values = {"short_circuit"}, .value = static_cast<double>(c.short_circuit_bytes())});
                     out.push_back({.label_values = {"worker"}, .value = static_cast<double>(c.worker_bytes())});
                     out.push_back({.label_values = {"store"}, .value = static_cast<double>(c.store_bytes())});
                   }));
  r.callbackFamily("shoal_cluster_client_metadata_cache_total",
                   "Metadata-cache lookups of long-lived clients, by result (hit, miss), cluster-wide.",
                   MetricType::kCounter, {"result"},
                   client_sums([](const proto::ClientCounters& c, std::vector<SeriesSample>& out) {
                     out.push_back({.label_values = {"hit"}, .value = static_cast<double>(c.metadata_cache_hits())});
                     out.push_back({.label_values = {"miss"}, .value = static_cast<double>(c.metadata_cache_misses())});
                   }));
  r.callbackFamily("shoal_cluster_client_master_failovers_total",
                   "Times long-lived clients' calls moved to another master, cluster-wide.", MetricType::kCounter, {},
                   client_sums([](const proto::ClientCounters& c, std::vector<SeriesSample>& out) {
                     out.push_back({.value = static_cast<double>(c.master_failovers())});
                   }));
  r.callbackFamily("shoal_master_cluster_cache_bytes", "Cache capacity and use summed over live workers, by tier.",
                   MetricType::kGauge, {"tier", "kind"}, [&workers](std::vector<SeriesSample>& out) {
                     for (const auto& [tier, t] : workers.tierTotals(nowMs())) {
                       out.push_back({.label_values = {tier, "capacity"}, .value = static_cast<double>(t.capacity)});
                       out.push_back({.label_values = {tier, "used"}, .value = static_cast<double>(t.used)});
                     }
                   });
}

}  // namespace shoal::master
