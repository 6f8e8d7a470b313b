#include "common/property_key.h"

#include <algorithm>
#include <fmt/format.h>

#include "common/units.h"

namespace shoal {

const char* mutabilityName(Mutability m) { return m == Mutability::kHot ? "hot" : "static"; }

const char* keyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kString: return "string";
    case KeyType::kInt: return "int";
    case KeyType::kBool: return "bool";
    case KeyType::kBytes: return "bytes";
    case KeyType::kDuration: return "duration";
    case KeyType::kEnum: return "enum";
    case KeyType::kHostPortList: return "host:port list";
  }
  return "?";
}

const PropertyKey* findPropertyKey(std::string_view name) {
  auto all = allPropertyKeys();
  auto it = std::lower_bound(all.begin(), all.end(), name,
                             [](const PropertyKey& k, std::string_view n) { return k.name < n; });
  return (it != all.end() && it->name == name) ? &*it : nullptr;
}

namespace {

Status checkBounds(const PropertyKey& key, std::string_view value, int64_t v) {
  if (key.min && v < *key.min) {
    return invalidArgument(fmt::format("{}={}: must be at least {}", key.name, value, *key.min));
  }
  if (key.max && v > *key.max) {
    return invalidArgument(fmt::format("{}={}: must be at most {}", key.name, value, *key.max));
  }
  return Status::ok();
}

Status validateHostPort(const PropertyKey& key, std::string_view item) {
  size_t colon = item.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return invalidArgument(fmt::format("{}: '{}' is not host:port", key.name, item));
  }
  auto port = parseInt(item.substr(colon + 1));
  if (!port || *port < 1 || *port > 65535) {
    return invalidArgument(fmt::format("{}: '{}' has an invalid port", key.name, item));
  }
  return Status::ok();
}

}  // namespace

Status validatePropertyValue(const PropertyKey& key, std::string_view value) {
  switch (key.type) {
    case KeyType::kString:
      return Status::ok();
    case KeyType::kInt: {
      auto v = parseInt(value);
      if (!v) return v.error().withContext(std::string(key.name));
      return checkBounds(key, value, *v);
    }
    case KeyType::kBool:
      if (value == "true" || value == "false") return Status::ok();
      return invalidArgument(fmt::format("{}={}: expected true or false", key.name, value));
    case KeyType::kBytes: {
      auto v = parseBytes(value);
      if (!v) return v.error().withContext(std::string(key.name));
      return checkBounds(key, value, static_cast<int64_t>(*v));
    }
    case KeyType::kDuration: {
      auto v = parseDurationMs(value);
      if (!v) return v.error().withContext(std::string(key.name));
      if (key.allow_never && *v == -1) return Status::ok();
      if (*v < 0) {
        return invalidArgument(fmt::format("{}={}: must not be negative{}", key.name, value,
                                           key.allow_never ? " (only -1, meaning never, is allowed)" : ""));
      }
      return checkBounds(key, value, *v);
    }
    case KeyType::kEnum:
      if (std::find(key.choices.begin(), key.choices.end(), value) != key.choices.end()) return Status::ok();
      return invalidArgument(fmt::format("{}={}: must be one of {}", key.name, value, fmt::join(key.choices, ", ")));
    case KeyType::kHostPortList: {
      if (value.empty()) return Status::ok();
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        if (comma == std::string_view::npos) comma = value.size();
        SHOAL_RETURN_IF_ERROR(validateHostPort(key, value.substr(start, comma - start)));
        start = comma + 1;
      }
      return Status::ok();
    }
  }
  return Status::ok();
}

}  // namespace shoal
