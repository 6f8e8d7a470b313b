// One key's effective value per path, for hot paths that must not look keys up: the value outside
// every path rule, and each rule's prefix with its value, longest prefix first (the longest wins).
// Built by a LiveConfig listener, read through an atomically swapped pointer.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/live_config.h"
#include "common/path.h"

namespace shoal {

template <typename T>
struct PathValue {
  T base{};
  std::vector<std::pair<std::string, T>> rules;  // longest prefix first

  const T& at(std::string_view path) const {
    for (const auto& [prefix, v] : rules) {
      if (isSameOrUnder(path, prefix)) return v;
    }
    return base;
  }

  // `parse` reads the key from a Configuration. A key given with -D has no path rules.
  template <typename Parse>
  static PathValue build(const LiveConfig::Snapshot& s, std::string_view key, Parse parse) {
    PathValue out;
    out.base = parse(*s.conf);
    if (s.conf->sourceOf(key) == ValueSource::kOverride) return out;
    for (const auto& r : s.rules) {
      if (r.key != key || r.path.empty()) continue;
      Configuration c = *s.conf;
      // Checked when the version was applied.
      if (c.set(key, r.value, ValueSource::kPathRule)) out.rules.emplace_back(r.path, parse(c));
    }
    std::stable_sort(out.rules.begin(), out.rules.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    return out;
  }
};

}  // namespace shoal
