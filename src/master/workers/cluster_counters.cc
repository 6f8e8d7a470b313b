#include "master/workers/cluster_counters.h"

#include <algorithm>

namespace shoal::master {

double hitRate(const proto::WorkerCounters& c) {
  uint64_t all = c.cache_hits() + c.cache_misses();
  return all == 0 ? 0.0 : static_cast<double>(c.cache_hits()) / static_cast<double>(all);
}

uint64_t servedBytes(const proto::WorkerCounters& c) {
  return c.served_short_circuit_bytes() + c.served_grpc_bytes() + c.served_data_port_bytes();
}

double byteHitRate(const proto::WorkerCounters& c) {
  uint64_t served = servedBytes(c);
  if (served == 0) return 0.0;
  // A store read can exceed what was served (a page read whole for a short read); the rate stays in [0, 1].
  uint64_t from_store = std::min(c.store_read_bytes(), served);
  return static_cast<double>(served - from_store) / static_cast<double>(served);
}

}  // namespace shoal::master
