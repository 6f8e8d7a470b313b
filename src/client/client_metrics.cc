#include "client/client_metrics.h"

#include "client/client_heartbeat.h"
#include "client/file_reader.h"
#include "stubs/master_client.h"

namespace shoal::client {

void declareClientMetrics(metrics::Registry& r, const stubs::MasterClient& master, const FileReader& reader) {
  using metrics::MetricType;
  using metrics::SeriesSample;
  // The same snapshot the client's heartbeat sends the master (clientCounters), so the two agree.
  auto now = [&master, &reader] { return clientCounters(master, reader); };
  r.callbackFamily("shoal_client_read_bytes_total",
                   "Bytes this client read, by source: short_circuit (a local worker's page files), worker "
                   "(over the network), store (directly, when no worker could serve).",
                   MetricType::kCounter, {"source"}, [now](std::vector<SeriesSample>& out) {
                     auto c = now();
                     out.push_back({.label_values = {"short_circuit"}, .value = static_cast<double>(c.short_circuit_bytes())});
                     out.push_back({.label_values = {"worker"}, .value = static_cast<double>(c.worker_bytes())});
                     out.push_back({.label_values = {"store"}, .value = static_cast<double>(c.store_bytes())});
                   });
  r.counterFn("shoal_client_metadata_cache_hits_total", "File statuses answered from the client's metadata cache.",
              [&master] { return master.metadataCacheHits(); });
  r.counterFn("shoal_client_metadata_cache_misses_total",
              "File status lookups the metadata cache could not answer (absent or expired).",
              [&master] { return master.metadataCacheMisses(); });
  r.counterFn("shoal_client_master_retries_total",
              "Master calls tried again because a master was unreachable or not the leader.",
              [&master] { return master.masterRetries(); });
  r.counterFn("shoal_client_master_failovers_total",
              "Times calls moved to another master (a redirect to the leader, or one that is down).",
              [&master] { return master.masterSwitches(); });
  const ReaderCounters& c = reader.counters();
  r.counterFn("shoal_client_worker_failovers_total", "Reads retried on another worker because one was unreachable.",
              [&c] { return c.worker_failovers.load(std::memory_order_relaxed); });
  r.counterFn("shoal_client_store_fallbacks_total", "Reads served from the store because no worker could serve them.",
              [&c] { return c.store_fallbacks.load(std::memory_order_relaxed); });
}

}  // namespace shoal::client
