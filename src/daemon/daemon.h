// What every Shoal daemon (master, worker, FUSE mount) shares: its log file, a metrics registry,
// the gRPC server with RPC metrics, and the web port serving /metrics, /api/v1/info,
// /api/v1/config and /api/v1/log beside the daemon's own pages. A daemon's start-up is a few calls
// on this. Routes and metrics are added before startWeb(); after that it is safe to use from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/audit_log.h"
#include "common/configuration.h"
#include "common/live_config.h"
#include "common/metrics/registry.h"
#include "common/status.h"
#include "rpc/server_options.h"
#include "web/http_server.h"

namespace shoal::daemon {

class Daemon {
 public:
  // `role` names the metrics (shoal_<role>_...) and the messages: "master", "worker", "fuse".
  Daemon(std::string role, const Configuration& conf);
  ~Daemon();

  metrics::Registry& metrics() { return metrics_; }
  // The daemon's configuration under the cluster configuration it applied (`shoal conf set`); the
  // skeleton applies shoal.log.level itself, and /api/v1/config shows the effective values.
  LiveConfig& liveConfig() { return live_; }
  // The audit log (common/audit_log.h), once startAudit() made it; null before. Its file is
  // <shoal.audit.dir or beside the log>/<name>.audit.log; shoal.audit.enabled and the filters
  // follow the live configuration.
  Status startAudit(const std::string& name);
  AuditLog* audit() { return audit_.get(); }
  web::HttpServer& web() { return web_; }
  const std::string& role() const { return role_; }
  int64_t startMs() const { return start_ms_; }

  // Starts a gRPC server whose every call is counted and timed (shoal_<role>_rpcs_total, ...).
  Result<rpc::StartedServer> startRpc(const std::string& host, int port, int threads,
                                      const std::vector<grpc::Service*>& services, std::string_view port_key);
  // Serves the web port on host:port (0: any free port; -1: none, and this is a no-op). Refuses
  // to start if a metric was declared twice.
  Status startWeb(const std::string& host, int port, std::string_view port_key);
  void stop();
  // host:port of the web port ("" when none).
  const std::string& webAddress() const { return web_.address(); }
  // The navigation links of the HTML pages the skeleton serves (/threads), the daemon's own.
  void setNav(std::vector<std::pair<std::string, std::string>> nav) { nav_ = std::move(nav); }
  // Addresses shown by /api/v1/info.
  void setRpcAddress(std::string address) { rpc_address_ = std::move(address); }

 private:
  void addCommonRoutes();

  std::string role_;
  const Configuration& conf_;
  int64_t start_ms_;
  std::string rpc_address_;
  std::vector<std::pair<std::string, std::string>> nav_ = {{"/", "Overview"}, {"/metrics", "Metrics (Prometheus)"}};
  metrics::Registry metrics_;
  web::HttpServer web_;
  LiveConfig live_;
  std::unique_ptr<LiveConfig::Listener> log_level_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<LiveConfig::Listener> audit_conf_;
};

// Writes this process's log to shoal.log.dir/<name>.log from now on (nothing when the key is
// empty); the path, or "" when there is none. `name` is made safe as a file name.
Result<std::string> openDaemonLog(const Configuration& conf, const std::string& name);

// Where openDaemonLog(conf, name) writes ("" when shoal.log.dir is empty).
std::string daemonLogPath(const Configuration& conf, const std::string& name);

// The last `max_bytes` of the log file, starting at a line (the /api/v1/log page and the UI).
std::string logTail(size_t max_bytes);

}  // namespace shoal::daemon
