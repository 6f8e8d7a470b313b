#include "client/client_settings.h"

#include "client/file_writer.h"
#include "stubs/master_client.h"

namespace shoal::client {

std::shared_ptr<const ClientSettings> ClientSettings::from(const LiveConfig::Snapshot& s) {
  auto out = std::make_shared<ClientSettings>();
  out->sync_interval_ms = PathValue<std::optional<int64_t>>::build(
      s, keys::kUserMetadataSyncInterval, [](const Configuration& c) { return stubs::MasterClient::syncIntervalOf(c); });
  out->write_type = PathValue<proto::WriteType>::build(s, keys::kUserFileWriteTypeDefault, [](const Configuration& c) {
    auto t = parseWriteType(c.getString(keys::kUserFileWriteTypeDefault));
    return t ? *t : proto::CACHE_THROUGH;  // validated as one of the choices when set
  });
  out->readahead_pages = PathValue<uint64_t>::build(s, keys::kUserFileReadAheadPages, [](const Configuration& c) {
    return static_cast<uint64_t>(c.getInt(keys::kUserFileReadAheadPages));
  });
  out->passive_cache = PathValue<bool>::build(s, keys::kUserFilePassiveCacheEnabled, [](const Configuration& c) {
    return c.getBool(keys::kUserFilePassiveCacheEnabled);
  });
  out->metadata_cache_entries = static_cast<size_t>(s.conf->getInt(keys::kUserMetadataCacheMaxSize));
  out->metadata_cache_ttl_ms = s.conf->getDurationMs(keys::kUserMetadataCacheExpiration);
  return out;
}

std::shared_ptr<const ClientSettings> ClientSettings::from(const Configuration& conf) {
  LiveConfig::Snapshot s;
  s.conf = std::make_shared<const Configuration>(conf);
  return from(s);
}

std::vector<std::string> clientSettingKeys() {
  return {std::string(keys::kUserMetadataSyncInterval),   std::string(keys::kUserFileWriteTypeDefault),
          std::string(keys::kUserFileReadAheadPages),     std::string(keys::kUserFilePassiveCacheEnabled),
          std::string(keys::kUserMetadataCacheMaxSize), std::string(keys::kUserMetadataCacheExpiration)};
}

}  // namespace shoal::client
