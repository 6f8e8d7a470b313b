#include "worker/worker_metrics.h"

#include "worker/data_server.h"
#include "worker/page_server.h"
#include "worker/pagestore/page_store.h"
#include "worker/short_circuit_server.h"

namespace shoal::worker {

proto::WorkerCounters counterSnapshot(const PageServer& pages, const PageStore& store) {
  const ReadCounters& c = pages.counters();
  auto v = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  proto::WorkerCounters out;
  out.set_cache_hits(v(c.cache_hits));
  out.set_cache_misses(v(c.cache_misses));
  out.set_store_read_bytes(v(c.store_read_bytes));
  out.set_served_short_circuit_bytes(v(c.served_short_circuit_bytes));
  out.set_served_grpc_bytes(v(c.served_grpc_bytes));
  out.set_served_data_port_bytes(v(c.served_data_port_bytes));
  out.set_evictions(store.evictions());
  for (const auto& [mount, bytes] : pages.storeReadBytesByMount()) (*out.mutable_store_read_bytes_by_mount())[mount] = bytes;
  return out;
}

void declareWorkerMetrics(metrics::Registry& r, PageServer& pages, PageStore& store, DataServer& data,
                          ShortCircuitServer* short_circuit) {
  using metrics::MetricType;
  using metrics::SeriesSample;
  const ReadCounters& c = pages.counters();
  auto value = [](const std::atomic<uint64_t>& a) { return static_cast<double>(a.load(std::memory_order_relaxed)); };
  r.callbackFamily("shoal_worker_served_bytes_total",
                   "Bytes handed to clients, by path: grpc, data_port (sendfile), short_circuit (page files passed).",
                   MetricType::kCounter, {"path"}, [&c, value](std::vector<SeriesSample>& out) {
                     out.push_back({.label_values = {"grpc"}, .value = value(c.served_grpc_bytes)});
                     out.push_back({.label_values = {"data_port"}, .value = value(c.served_data_port_bytes)});
                     out.push_back({.label_values = {"short_circuit"}, .value = value(c.served_short_circuit_bytes)});
                   });
  r.callbackFamily("shoal_worker_read_requests_total",
                   "Read requests answered with bytes (prefetches not counted), by path: grpc, data_port. A "
                   "client's batched range read (many extents) is one request.",
                   MetricType::kCounter, {"path"}, [&c, value](std::vector<SeriesSample>& out) {
                     out.push_back({.label_values = {"grpc"}, .value = value(c.read_requests_grpc)});
                     out.push_back({.label_values = {"data_port"}, .value = value(c.read_requests_data_port)});
                   });
  r.callbackFamily("shoal_worker_store_read_bytes_by_mount_total",
                   "Bytes read from under-stores to fill misses, by mount point.", MetricType::kCounter, {"mount"},
                   [&pages](std::vector<SeriesSample>& out) {
                     for (const auto& [mount, bytes] : pages.storeReadBytesByMount()) {
                       out.push_back({.label_values = {mount}, .value = static_cast<double>(bytes)});
                     }
                   });
  r.gaugeFn("shoal_worker_misses_in_flight", "Pages being read from an under-store right now (the miss path).",
            [&c] { return c.misses_in_flight.load(std::memory_order_relaxed); });
  r.counterFn("shoal_worker_misses_joined_total",
              "Requests for a page already being read from the store that waited for that read instead.",
              [&c] { return c.misses_joined.load(std::memory_order_relaxed); });
  r.counterFn("shoal_worker_cache_hits_total", "Page reads answered from the cache.",
              [&c] { return c.cache_hits.load(std::memory_order_relaxed); });
  r.counterFn("shoal_worker_cache_misses_total", "Page reads that had to go to the under-store.",
              [&c] { return c.cache_misses.load(std::memory_order_relaxed); });
  r.counterFn("shoal_worker_page_store_reads_total", "Pages read from the under-store to fill misses.",
              [&c] { return c.store_reads.load(std::memory_order_relaxed); });
  r.counterFn("shoal_worker_page_store_read_bytes_total", "Bytes read from the under-store to fill misses.",
              [&c] { return c.store_read_bytes.load(std::memory_order_relaxed); });
  r.counterFn("shoal_worker_short_circuit_opens_total", "Page files handed to clients on this host.",
              [&c] { return c.short_circuit_opens.load(std::memory_order_relaxed); });
  r.counterFn("shoal_worker_evictions_total", "Pages evicted to make room.", [&store] { return store.evictions(); });
  r.counterFn("shoal_worker_page_verification_failures_total",
              "Cached page files dropped because their checksum or length did not verify.",
              [&store] { return store.corruptPagesDropped(); });
  r.gaugeFn("shoal_worker_pinned_files", "Files whose pages eviction skips.",
            [&store] { return static_cast<int64_t>(store.pinnedFiles()); });
  r.callbackFamily("shoal_worker_tier_bytes", "Capacity and use of each cache tier.", MetricType::kGauge,
                   {"tier", "kind"}, [&store](std::vector<SeriesSample>& out) {
                     for (const auto& t : store.stats()) {
                       out.push_back({.label_values = {t.name, "capacity"}, .value = static_cast<double>(t.capacity)});
                       out.push_back({.label_values = {t.name, "used"}, .value = static_cast<double>(t.used)});
                     }
                   });
  r.callbackFamily("shoal_worker_tier_pages", "Pages cached in each tier.", MetricType::kGauge, {"tier"},
                   [&store](std::vector<SeriesSample>& out) {
                     for (const auto& t : store.stats()) {
                       out.push_back({.label_values = {t.name}, .value = static_cast<double>(t.pages)});
                     }
                   });
  r.callbackFamily("shoal_worker_connections", "Connections open on the data port and the short-circuit socket.",
                   MetricType::kGauge, {"server"}, [&data, short_circuit](std::vector<SeriesSample>& out) {
                     out.push_back({.label_values = {"data_port"}, .value = static_cast<double>(data.connections())});
                     if (short_circuit) {
                       out.push_back({.label_values = {"short_circuit"},
                                      .value = static_cast<double>(short_circuit->connections())});
                     }
                   });
}

}  // namespace shoal::worker
