#include "master/workers/cluster_counters.h"

namespace shoal::master {

proto::WorkerCounters sumCounters(const std::vector<proto::WorkerInfo>& workers) {
  proto::WorkerCounters s;
  for (const auto& w : workers) {
    const auto& c = w.counters();
    s.set_cache_hits(s.cache_hits() + c.cache_hits());
    s.set_cache_misses(s.cache_misses() + c.cache_misses());
    s.set_store_read_bytes(s.store_read_bytes() + c.store_read_bytes());
    s.set_served_short_circuit_bytes(s.served_short_circuit_bytes() + c.served_short_circuit_bytes());
    s.set_served_grpc_bytes(s.served_grpc_bytes() + c.served_grpc_bytes());
    s.set_served_data_port_bytes(s.served_data_port_bytes() + c.served_data_port_bytes());
    s.set_evictions(s.evictions() + c.evictions());
  }
  return s;
}

double hitRate(const proto::WorkerCounters& c) {
  uint64_t all = c.cache_hits() + c.cache_misses();
  return all == 0 ? 0.0 : static_cast<double>(c.cache_hits()) / static_cast<double>(all);
}

}  // namespace shoal::master
