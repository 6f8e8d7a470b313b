#include "common/configuration.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "common/path.h"
#include "common/units.h"

namespace shoal {

const char* valueSourceName(ValueSource source) {
  switch (source) {
    case ValueSource::kDefault: return "default";
    case ValueSource::kSiteFile: return "site file";
    case ValueSource::kOverride: return "override";
    case ValueSource::kCluster: return "cluster";
    case ValueSource::kPathRule: return "path rule";
  }
  return "?";
}

Configuration::Configuration() {
  for (const auto& key : allPropertyKeys()) {
    values_[std::string(key.name)] = Entry{std::string(key.default_value), ValueSource::kDefault, key.type};
  }
}

Status Configuration::set(std::string_view key, std::string_view value, ValueSource source) {
  const PropertyKey* decl = findPropertyKey(key);
  if (decl == nullptr) {
    return invalidArgument(fmt::format("unknown configuration key '{}' (`shoal conf list` shows every key)", key));
  }
  SHOAL_RETURN_IF_ERROR(validatePropertyValue(*decl, value));
  values_[std::string(key)] = Entry{std::string(value), source, decl->type};
  return Status::ok();
}

Result<std::string> validateConfRule(std::string_view key, std::string_view value, std::string_view path, bool unset) {
  const PropertyKey* decl = findPropertyKey(key);
  if (decl == nullptr) {
    return makeError(invalidArgument(fmt::format("unknown configuration key '{}' (`shoal conf list` shows every key)", key)));
  }
  if (decl->mutability != Mutability::kHot) {
    return makeError(invalidArgument(fmt::format(
        "{} is static: it is read once at start-up, so the cluster configuration cannot change it (set it in "
        "shoal-site.properties or with -D and restart; `shoal conf list` shows which keys are hot)", key)));
  }
  if (!unset) SHOAL_RETURN_IF_ERROR(validatePropertyValue(*decl, value));
  if (path.empty()) return std::string();
  if (!decl->per_path) {
    return makeError(invalidArgument(fmt::format("{} applies to the whole process, not per path: drop --path", key)));
  }
  auto norm = normalizePath(path);
  if (!norm) return makeError(norm.error().withContext("--path"));
  return *norm;
}

Result<Configuration> Configuration::withRules(const std::vector<ConfRuleValue>& rules, std::string_view path) const {
  Configuration out = *this;
  std::vector<const ConfRuleValue*> order;
  for (const auto& r : rules) {
    if (r.path.empty() || (!path.empty() && isSameOrUnder(path, r.path))) order.push_back(&r);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const ConfRuleValue* a, const ConfRuleValue* b) { return a->path.size() < b->path.size(); });
  for (const ConfRuleValue* r : order) {
    auto checked = validateConfRule(r->key, r->value, r->path, false);
    if (!checked) return makeError(checked.error().withContext("cluster configuration"));
    auto it = out.values_.find(r->key);
    if (it->second.source == ValueSource::kOverride) continue;
    it->second.value = r->value;
    it->second.source = r->path.empty() ? ValueSource::kCluster : ValueSource::kPathRule;
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> parseProperties(std::string_view text,
                                                                       const std::string& origin) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  auto trim = [](std::string s) {
    size_t b = s.find_first_not_of(" \t\r");
    size_t e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  while (std::getline(in, line)) {
    ++lineno;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '!') continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) {
      return makeError(invalidArgument(fmt::format("{}:{}: expected key=value, got '{}'", origin, lineno, t)));
    }
    std::string key = trim(t.substr(0, eq));
    if (key.empty()) return makeError(invalidArgument(fmt::format("{}:{}: empty key", origin, lineno)));
    out.emplace_back(key, trim(t.substr(eq + 1)));
  }
  return out;
}

std::string Configuration::confDirFromEnv() {
  const char* dir = std::getenv("SHOAL_CONF_DIR");
  return dir ? std::string(dir) : std::string();
}

Result<Configuration> Configuration::load(const std::string& conf_dir, const std::vector<std::string>& overrides) {
  Configuration conf;
  if (!conf_dir.empty()) {
    std::filesystem::path site = std::filesystem::path(conf_dir) / "shoal-site.properties";
    std::error_code ec;
    if (std::filesystem::exists(site, ec)) {
      std::ifstream in(site);
      if (!in) return makeError(Status(StatusCode::kIoError, fmt::format("{}: cannot read", site.string())));
      std::stringstream buf;
      buf << in.rdbuf();
      auto entries = parseProperties(buf.str(), site.string());
      if (!entries) return makeError(entries.error());
      for (const auto& [k, v] : *entries) {
        Status st = conf.set(k, v, ValueSource::kSiteFile);
        if (!st) return makeError(st.withContext(site.string()));
      }
    }
  }
  for (const auto& kv : overrides) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return makeError(invalidArgument(fmt::format("-D{}: expected -Dkey=value", kv)));
    }
    Status st = conf.set(kv.substr(0, eq), kv.substr(eq + 1), ValueSource::kOverride);
    if (!st) return makeError(st.withContext("-D" + kv.substr(0, eq)));
  }
  return conf;
}

const Configuration::Entry& Configuration::entry(std::string_view key, std::initializer_list<KeyType> types) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    // A getter with an undeclared key is a programming error, caught by any test that runs it.
    std::fprintf(stderr, "BUG: configuration key '%.*s' is not declared\n", static_cast<int>(key.size()), key.data());
    std::abort();
  }
  if (types.size() > 0 && std::find(types.begin(), types.end(), it->second.type) == types.end()) {
    std::fprintf(stderr, "BUG: configuration key '%.*s' is a %s, read with a getter of another type\n",
                 static_cast<int>(key.size()), key.data(), keyTypeName(it->second.type));
    std::abort();
  }
  return it->second;
}

const std::string& Configuration::getString(std::string_view key) const { return entry(key).value; }
int64_t Configuration::getInt(std::string_view key) const { return *parseInt(entry(key, {KeyType::kInt}).value); }
bool Configuration::getBool(std::string_view key) const { return entry(key, {KeyType::kBool}).value == "true"; }
uint64_t Configuration::getBytes(std::string_view key) const {
  return *parseBytes(entry(key, {KeyType::kBytes}).value);
}
std::vector<std::string> Configuration::getList(std::string_view key) const {
  const std::string& v = entry(key, {KeyType::kHostPortList, KeyType::kString}).value;
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= v.size()) {
    size_t comma = v.find(',', start);
    if (comma == std::string::npos) comma = v.size();
    if (comma > start) out.push_back(v.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int64_t Configuration::getDurationMs(std::string_view key) const {
  return *parseDurationMs(entry(key, {KeyType::kDuration}).value);
}
ValueSource Configuration::sourceOf(std::string_view key) const { return entry(key).source; }

}  // namespace shoal
