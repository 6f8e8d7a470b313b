// Configuration: declared defaults, overlaid by $SHOAL_CONF_DIR/shoal-site.properties, overlaid by
// -Dkey=value overrides. Every value is validated when loaded, so getters cannot fail. Passed
// explicitly to whoever needs it (no global singleton). Immutable after load; safe to share.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/property_key.h"
#include "common/status.h"

namespace shoal {

// Where a value came from, lowest precedence first except kOverride: -D wins over everything, so a
// process started with an explicit value keeps it whatever the cluster configuration says.
enum class ValueSource { kDefault, kSiteFile, kOverride, kCluster, kPathRule };
const char* valueSourceName(ValueSource source);

// One rule of the cluster configuration (`shoal conf set`): path "" for the whole cluster, else a
// normalised prefix (per-path keys only).
struct ConfRuleValue {
  std::string key;
  std::string value;
  std::string path;
};

// Checks one change of the cluster configuration as the leader does before journaling it: a
// declared hot key, a valid value (unless unset), and a path only for per-path keys, normalised.
// Returns the normalised path.
Result<std::string> validateConfRule(std::string_view key, std::string_view value, std::string_view path, bool unset);

class Configuration {
 public:
  // Defaults only.
  Configuration();

  // Loads defaults, then the site file (if `conf_dir` is non-empty and holds one), then overrides
  // ("key=value" strings from -D). An unknown key or a bad value fails, naming it and its origin.
  static Result<Configuration> load(const std::string& conf_dir, const std::vector<std::string>& overrides);
  // conf dir from $SHOAL_CONF_DIR, else none.
  static std::string confDirFromEnv();

  Status set(std::string_view key, std::string_view value, ValueSource source = ValueSource::kOverride);

  // This configuration under the cluster's rules: the cluster-wide rules, then the rules of the
  // prefixes that hold `path` from the shortest to the longest (so the longest wins), each unless
  // the key was given with -D. A rule this process cannot take (an unknown key, a static key, a bad
  // value) fails the whole call, naming it: a process applies all of a version or none of it.
  Result<Configuration> withRules(const std::vector<ConfRuleValue>& rules, std::string_view path = "") const;

  const std::string& getString(std::string_view key) const;
  int64_t getInt(std::string_view key) const;
  bool getBool(std::string_view key) const;
  uint64_t getBytes(std::string_view key) const;
  int64_t getDurationMs(std::string_view key) const;
  // A comma-separated list (host:port lists); empty entries are dropped.
  std::vector<std::string> getList(std::string_view key) const;
  ValueSource sourceOf(std::string_view key) const;

 private:
  struct Entry {
    std::string value;
    ValueSource source = ValueSource::kDefault;
    KeyType type = KeyType::kString;
  };
  // The entry of a declared key whose type is one of `types` (empty: any). Asking for a key that is
  // not declared, or with a getter of another type (getInt on a duration), is a bug in the caller:
  // it aborts naming both, never parses a value as what it is not.
  const Entry& entry(std::string_view key, std::initializer_list<KeyType> types = {}) const;
  std::map<std::string, Entry, std::less<>> values_;
};

// Parses "key=value" lines; '#' and '!' start comments. Errors name file and line.
Result<std::vector<std::pair<std::string, std::string>>> parseProperties(std::string_view text,
                                                                       const std::string& origin);

}  // namespace shoal
