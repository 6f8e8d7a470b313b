#include "ufs/ufs_metrics.h"

namespace shoal::ufs {

UfsMetrics::UfsMetrics(metrics::Registry& r, const std::string& component)
    : ops(r.counterFamily("shoal_" + component + "_store_ops_total", "Under-store operations, by store and operation.",
                          {"store", "op"})),
      errors(r.counterFamily("shoal_" + component + "_store_errors_total",
                             "Under-store operations that failed (absent paths excluded), by store and operation.",
                             {"store", "op"})),
      latency(r.histogramFamily("shoal_" + component + "_store_latency_seconds",
                                "Time under-store operations took, by store and operation.", {"store", "op"},
                                metrics::kLatencyBuckets)),
      read_bytes(r.counterFamily("shoal_" + component + "_store_read_bytes_total", "Bytes read from each under-store.",
                                 {"store"})) {}

}  // namespace shoal::ufs
