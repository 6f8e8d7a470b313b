// Figures derived from the cluster's cumulative counters (WorkerRegistry::counterTotals), shared by
// the master's metrics, its web UI and `shoal fsadmin report metrics`.
#pragma once

#include "worker.pb.h"

namespace shoal::master {

// Cache hits over all page reads (0 when there were none).
double hitRate(const proto::WorkerCounters& c);
// Bytes handed to clients by every path.
uint64_t servedBytes(const proto::WorkerCounters& c);
// The share of served bytes that did not have to be read from a store (0 when nothing was served).
double byteHitRate(const proto::WorkerCounters& c);

}  // namespace shoal::master
