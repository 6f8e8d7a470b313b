// Closed-loop load: T threads each run `op` back to back for a duration (or a count), recording
// each call's latency. Used by every RPC scenario so baseline and subject are driven identically.
#pragma once

#include <functional>
#include <string>

#include "report.h"

namespace shoal::bench {

struct LoadSpec {
  int threads = 16;
  double seconds = 5;
  uint64_t max_ops = 0;  // 0: run for `seconds`
};

// `op(thread, i)` returns false on failure; failures are counted and end the run with an error.
Figure runLoad(const std::string& scenario, const LoadSpec& spec, const std::function<bool(int, uint64_t)>& op);

}  // namespace shoal::bench
