// Deterministic pseudo-random test data: the same seed always gives the same bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <string>

namespace shoal::testing {

inline std::string randomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    std::memcpy(&s[i], &v, 8);
  }
  for (; i < n; ++i) s[i] = static_cast<char>(rng());
  return s;
}

}  // namespace shoal::testing
