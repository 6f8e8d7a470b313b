// Incompressible test data for the scenarios: a file of `bytes` pseudo-random bytes, the same for
// the same seed, so a read back through Shoal can be told from a stale or zeroed page.
#pragma once

#include <cstdint>
#include <string>

namespace shoal::bench {

void writeRandomFile(const std::string& path, uint64_t bytes, uint64_t seed);

}  // namespace shoal::bench
