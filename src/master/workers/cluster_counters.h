// The cluster's cumulative counters: the sum of what every registered worker, live or lost, last
// reported. Shared by the master's shoal_cluster_* metrics and `shoal fsadmin report metrics`.
#pragma once

#include <vector>

#include "worker.pb.h"

namespace shoal::master {

proto::WorkerCounters sumCounters(const std::vector<proto::WorkerInfo>& workers);
// Cache hits over all page reads (0 when there were none).
double hitRate(const proto::WorkerCounters& c);

}  // namespace shoal::master
