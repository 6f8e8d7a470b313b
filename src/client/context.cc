#include "client/context.h"

#include "client/client_settings.h"

namespace shoal::client {

Context::Context(Configuration conf)
    : conf_(std::move(conf)),
      master_(conf_),
      direct_(master_, registry_),
      workers_(conf_, master_.addresses()) {
  ufs::registerBuiltinUfs(registry_);
  reader_ = std::make_unique<FileReader>(conf_, workers_, direct_);
  applySettings(ClientSettings::from(conf_));
}

Context::~Context() = default;

std::shared_ptr<const ClientSettings> Context::settings() const { return settings_.load(); }

void Context::applySettings(std::shared_ptr<const ClientSettings> settings) {
  stubs::MasterClient::Defaults d;
  d.sync_interval_ms = settings->sync_interval_ms;
  d.cache_entries = settings->metadata_cache_entries;
  d.cache_ttl_ms = settings->metadata_cache_ttl_ms;
  master_.setDefaults(std::move(d));
  reader_->applySettings(settings);
  settings_.store(std::move(settings));
}

std::unique_ptr<LiveConfig::Listener> Context::followConfig(LiveConfig& live) {
  applySettings(ClientSettings::from(*live.current()));
  return live.listen(clientSettingKeys(),
                     [this](const LiveConfig::Snapshot& s) { applySettings(ClientSettings::from(s)); });
}

Result<std::unique_ptr<FileWriter>> Context::createFile(const std::string& path, const WriteOptions& options) {
  return FileWriter::create(*this, path, options);
}

}  // namespace shoal::client
