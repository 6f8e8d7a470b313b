#include "client/live_client.h"

#include "client/client_heartbeat.h"
#include "common/logging.h"
#include "stubs/conf_sync.h"

namespace shoal::client {

LiveClient::LiveClient(Configuration conf, std::string kind)
    : ctx_(conf), live_(std::move(conf)), kind_(std::move(kind)), host_(localHostName()), id_(newClientId()) {
  settings_ = ctx_.followConfig(live_);
  log_level_ = live_.listen({std::string(keys::kLogLevel)},
                            [](const LiveConfig::Snapshot& s) { setLogLevel(s.conf->getString(keys::kLogLevel)); });
  resumeWatch();
}

LiveClient::~LiveClient() { pauseWatch(); }

void LiveClient::pauseWatch() {
  std::unique_ptr<stubs::ConfSync> sync;
  {
    std::lock_guard lock(mu_);
    sync = std::move(sync_);
  }
  sync.reset();  // cancels the poll and joins its thread
}

void LiveClient::resumeWatch() {
  std::lock_guard lock(mu_);
  if (!sync_) sync_ = std::make_unique<stubs::ConfSync>(ctx_.master().connection(), live_, kind_, host_, id_);
}

}  // namespace shoal::client
