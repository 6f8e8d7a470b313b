// The worker's metrics beside the RPC and store metrics the daemon skeleton declares: bytes served
// by path, cache hits and misses, store reads, evictions, tiers, pinned files, page-file checks and
// open connections. Values are the counters the worker keeps anyway, read at collection. Declared
// once at start-up.
#pragma once

#include "common/metrics/registry.h"
#include "worker.pb.h"

namespace shoal::worker {

class PageServer;
class PageStore;
class DataServer;
class ShortCircuitServer;

// The worker's cumulative counters now: what its heartbeats carry and its overview page shows.
proto::WorkerCounters counterSnapshot(const PageServer& pages, const PageStore& store);

// Every argument must outlive the registry's last collection; `short_circuit` may be null.
void declareWorkerMetrics(metrics::Registry& registry, PageServer& pages, PageStore& store, DataServer& data,
                          ShortCircuitServer* short_circuit);

}  // namespace shoal::worker
