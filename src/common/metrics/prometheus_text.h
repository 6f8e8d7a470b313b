// The Prometheus text exposition format 0.0.4 (what GET /metrics answers), written by hand: it is
// the one format simple enough that a library would cost more than it saves. Pure functions.
#pragma once

#include <string>

#include "common/metrics/registry.h"

namespace shoal::metrics {

inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string prometheusText(const Snapshot& snapshot);

}  // namespace shoal::metrics
