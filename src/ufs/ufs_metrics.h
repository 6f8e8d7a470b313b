// Metrics of every under-store operation of a process, by store (the URI a mount names; bounded by
// the mount table) and operation: count, errors, latency, and bytes read. Declared once per process
// and shared by every store it opens. Thread-safe.
#pragma once

#include <string>

#include "common/metrics/registry.h"

namespace shoal::ufs {

struct UfsMetrics {
  UfsMetrics(metrics::Registry& registry, const std::string& component);

  metrics::Family<metrics::Counter>& ops;
  metrics::Family<metrics::Counter>& errors;
  metrics::Family<metrics::Histogram>& latency;
  metrics::Family<metrics::Counter>& read_bytes;
};

}  // namespace shoal::ufs
