#include "s3/proxy_process.h"

#include "common/property_key.h"
#include "daemon/daemon.h"
#include "s3/s3_endpoint.h"

namespace shoal::s3 {

struct ProxyProcess::Impl {
  explicit Impl(const Configuration& c) : conf(c), daemon("proxy", conf), endpoint(conf, "proxy") {}
  Configuration conf;
  daemon::Daemon daemon;
  S3Endpoint endpoint;
};

ProxyProcess::ProxyProcess(const Configuration& conf) : impl_(std::make_unique<Impl>(conf)) {}
ProxyProcess::~ProxyProcess() { stop(); }

Status ProxyProcess::start() {
  auto& p = *impl_;
  SHOAL_RETURN_IF_ERROR(p.endpoint.start(p.conf.getString(keys::kProxyBindHost),
                                         static_cast<int>(p.conf.getInt(keys::kProxyPort)), keys::kProxyPort,
                                         p.daemon.metrics()));
  p.daemon.setRpcAddress(p.endpoint.address());
  return p.daemon.startWeb(p.conf.getString(keys::kProxyWebBindHost),
                           static_cast<int>(p.conf.getInt(keys::kProxyWebPort)), keys::kProxyWebPort);
}

void ProxyProcess::stop() {
  impl_->endpoint.stop();
  impl_->daemon.stop();
}

const std::string& ProxyProcess::address() const { return impl_->endpoint.address(); }
const std::string& ProxyProcess::webAddress() const { return impl_->daemon.webAddress(); }

}  // namespace shoal::s3
