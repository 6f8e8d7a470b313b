// The client's hot keys as typed values (per path where the key is per path), built from a
// LiveConfig snapshot and swapped atomically, so a read, a create or a stat looks none of them up:
// the metadata sync interval, the default write type, read-ahead, passive caching and the
// metadata cache's limits.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common.pb.h"
#include "common/live_config.h"
#include "common/path_value.h"

namespace shoal::client {

struct ClientSettings {
  // nullopt: the client sends no interval and the master's own applies.
  PathValue<std::optional<int64_t>> sync_interval_ms;
  PathValue<proto::WriteType> write_type;
  PathValue<uint64_t> readahead_pages;
  PathValue<bool> passive_cache;
  size_t metadata_cache_entries = 0;
  int64_t metadata_cache_ttl_ms = 0;

  static std::shared_ptr<const ClientSettings> from(const LiveConfig::Snapshot& s);
  static std::shared_ptr<const ClientSettings> from(const Configuration& conf);
};

// The keys ClientSettings is made of (what its listener listens to).
std::vector<std::string> clientSettingKeys();

}  // namespace shoal::client
