#include "daemon/daemon.h"

#include <absl/synchronization/mutex.h>

#include <chrono>
#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "common/clock.h"
#include "common/logging.h"
#include "common/metrics/prometheus_text.h"
#include "daemon/thread_stacks.h"
#include "rpc/rpc_metrics.h"
#include "shoal_version.h"
#include "web/html.h"

namespace shoal::daemon {
namespace {

// Resident memory from /proc/self/statm (second field, pages): O(1), read at scrape.
int64_t residentBytes() {
  std::ifstream in("/proc/self/statm");
  int64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

int64_t threadCount() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("Threads:")) return std::stoll(line.substr(8));
  }
  return 0;
}

std::string safeFileName(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  while (!out.empty() && (out.front() == '.' || out.front() == '_')) out.erase(out.begin());
  return out.empty() ? "shoal" : out.substr(0, 200);
}

// The query parameter `stacks` of the threads pages: 1 (the default) or 0.
Result<bool> wantStacks(const web::Request& req) {
  auto it = req.params.find("stacks");
  if (it == req.params.end() || it->second == "1") return true;
  if (it->second == "0") return false;
  return makeError(Status(StatusCode::kInvalidArgument, "parameter 'stacks' must be 0 or 1, not '" + it->second.substr(0, 64) + "'"));
}

}  // namespace

Daemon::Daemon(std::string role, const Configuration& conf)
    : role_(std::move(role)), conf_(conf), start_ms_(nowMs()), web_(role_), live_(conf) {
  // Debian's abseil keeps the Mutex deadlock detector on: every lock of gRPC's mutexes walked a
  // lock graph (about 5 % of the master's CPU under 1,000 heartbeating workers, gperftools). gRPC's
  // own builds run with it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  log_level_ = live_.listen({std::string(keys::kLogLevel)}, [role = role_](const LiveConfig::Snapshot& s) {
    setLogLevel(s.conf->getString(keys::kLogLevel));
    logger(role)->info("log level is now {} (cluster configuration version {})", s.conf->getString(keys::kLogLevel),
                       s.version);
  });
  std::string p = "shoal_" + role_ + "_";
  metrics_.callbackFamily(p + "build_info", "Always 1; the labels say which build this process runs.",
                          metrics::MetricType::kGauge, {"version", "revision"}, [](auto& out) {
                            out.push_back(metrics::SeriesSample{.label_values = {kShoalVersion, kShoalRevision},
                                                                .value = 1});
                          });
  metrics_.gaugeFn(p + "start_time_seconds", "When this process started (Unix time).",
                   [this] { return start_ms_ / 1000; });
  metrics_.gaugeFn(p + "resident_memory_bytes", "Resident memory of this process.", residentBytes);
  metrics_.gaugeFn(p + "threads", "Threads of this process.", threadCount);
}

Daemon::~Daemon() {
  stop();
  audit_conf_.reset();
}

Status Daemon::startAudit(const std::string& name) {
  const Configuration& c = *live_.current()->conf;
  AuditOptions o;
  std::string dir = c.getString(keys::kAuditDir);
  if (dir.empty()) dir = c.getString(keys::kLogDir);
  if (dir.empty()) dir = "/tmp/shoal/audit";
  o.path = dir + "/" + safeFileName(name) + ".audit.log";
  o.format = c.getString(keys::kAuditFormat) == "hdfs" ? AuditFormat::kHdfs : AuditFormat::kJson;
  o.policy = c.getString(keys::kAuditQueuePolicy) == "block" ? AuditPolicy::kBlock : AuditPolicy::kDrop;
  o.queue_size = static_cast<size_t>(c.getInt(keys::kAuditQueueSize));
  o.max_size = c.getBytes(keys::kAuditMaxSize);
  o.max_files = static_cast<size_t>(c.getInt(keys::kAuditMaxFiles));
  audit_ = std::make_unique<AuditLog>(o);
  std::string p = "shoal_" + role_ + "_audit_";
  AuditLog* a = audit_.get();
  metrics_.gaugeFn(p + "queue_depth", "Audit records queued for the writer.", [a] { return static_cast<int64_t>(a->depth()); });
  metrics_.counterFn(p + "records_total", "Audit records written.", [a] { return a->written(); });
  metrics_.counterFn(p + "dropped_total", "Audit records dropped because the queue was full (policy drop).",
                     [a] { return a->dropped(); });
  auto* write = &metrics_.histogram(p + "write_seconds", "Time the audit writer took to format and write one batch.",
                                    metrics::kLatencyBuckets);
  audit_->setWriteObserver([write](double s) { write->observe(s); });
  auto apply = [this](const LiveConfig::Snapshot& s) {
    audit_->setFilters(s.conf->getString(keys::kAuditFilterOps), s.conf->getString(keys::kAuditFilterPaths));
    Status st = audit_->setEnabled(s.conf->getBool(keys::kAuditEnabled));
    if (!st) logger(role_)->error("audit log: {}", st.toString());
    else logger(role_)->info("audit log {} ({})", s.conf->getBool(keys::kAuditEnabled) ? "on" : "off", audit_->path());
    return st;
  };
  audit_conf_ = live_.listen({std::string(keys::kAuditEnabled), std::string(keys::kAuditFilterOps),
                              std::string(keys::kAuditFilterPaths)},
                             [apply](const LiveConfig::Snapshot& s) { apply(s); });
  auto now = live_.current();
  if (!now->conf->getBool(keys::kAuditEnabled)) {
    audit_->setFilters(now->conf->getString(keys::kAuditFilterOps), now->conf->getString(keys::kAuditFilterPaths));
    return Status::ok();
  }
  return apply(*now);
}

Result<rpc::StartedServer> Daemon::startRpc(const std::string& host, int port, int threads,
                                            const std::vector<grpc::Service*>& services, std::string_view port_key) {
  auto started = rpc::startServer(role_, host, port, threads, services, port_key,
                                  rpc::rpcMetricsInterceptor(metrics_, role_));
  if (started) rpc_address_ = started->address;
  return started;
}

void Daemon::addCommonRoutes() {
  web_.get("/metrics", [this](const web::Request&) {
    return web::Response{200, metrics::kPrometheusContentType, metrics::prometheusText(metrics_.collect())};
  });
  web_.get("/api/v1/info", [this](const web::Request&) {
    nlohmann::json j = {{"role", role_},
                        {"version", kShoalVersion},
                        {"revision", kShoalRevision},
                        {"build_type", kShoalBuildType},
                        {"pid", static_cast<int64_t>(getpid())},
                        {"start_ms", start_ms_},
                        {"uptime_ms", nowMs() - start_ms_},
                        {"rpc_address", rpc_address_},
                        {"web_address", web_.address()},
                        {"log_file", logFilePath()}};
    return web::jsonResponse(j.dump(2) + "\n");
  });
  web_.get("/api/v1/config", [this](const web::Request&) {
    nlohmann::json keys = nlohmann::json::array();
    auto snap = live_.current();
    const Configuration& conf = *snap->conf;
    for (const auto& k : allPropertyKeys()) {
      keys.push_back({{"key", k.name},
                      {"value", conf.getString(k.name)},
                      {"source", valueSourceName(conf.sourceOf(k.name))},
                      {"default", k.default_value},
                      {"mutability", mutabilityName(k.mutability)}});
    }
    return web::jsonResponse(nlohmann::json{{"cluster_version", snap->version}, {"keys", keys}}.dump(2) + "\n");
  });
  web_.get("/api/v1/threads", [](const web::Request& req) {
    auto stacks = wantStacks(req);
    if (!stacks) return web::errorResponse(400, stacks.error().message());
    nlohmann::json threads = nlohmann::json::array();
    for (const auto& t : listThreads(*stacks)) {
      threads.push_back({{"tid", t.tid}, {"name", t.name}, {"state", t.state}, {"wchan", t.wchan}});
      if (*stacks) {
        threads.back()["stack_taken"] = t.stack_taken;
        threads.back()["stack"] = t.frames;
      }
    }
    return web::jsonResponse(nlohmann::json{{"pid", static_cast<int64_t>(getpid())}, {"threads", threads}}.dump(2) + "\n");
  });
  web_.get("/threads", [this](const web::Request& req) {
    auto stacks = wantStacks(req);
    if (!stacks) return web::errorResponse(400, stacks.error().message());
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : listThreads(*stacks)) {
      std::string stack;
      for (const auto& f : t.frames) stack += web::htmlEscape(f) + "\n";
      if (*stacks && !t.stack_taken) stack = "(no answer: the thread blocks the signal or has exited)";
      rows.push_back({web::htmlEscape(std::to_string(t.tid)), web::htmlEscape(t.name), web::htmlEscape(t.state),
                      web::htmlEscape(t.wchan), stack.empty() ? "" : "<pre>" + stack + "</pre>"});
    }
    return web::htmlResponse(web::htmlPage("Threads of the " + role_ + " (pid " + std::to_string(getpid()) + ")", nav_,
                                           web::htmlTable({"Thread", "Name", "State", "Waiting in", "Stack"}, rows)));
  });
  web_.get("/api/v1/log", [](const web::Request& req) {
    size_t bytes = 64 * 1024;
    if (auto it = req.params.find("bytes"); it != req.params.end()) {
      char* end = nullptr;
      unsigned long long v = std::strtoull(it->second.c_str(), &end, 10);
      if (it->second.empty() || *end != '\0' || v == 0 || v > 4 * 1024 * 1024) {
        return web::errorResponse(400, "parameter 'bytes' must be a number from 1 to 4194304, not '" +
                                           it->second.substr(0, 64) + "'");
      }
      bytes = v;
    }
    return web::jsonResponse(nlohmann::json{{"file", logFilePath()}, {"tail", logTail(bytes)}}.dump(2) + "\n");
  });
}

Status Daemon::startWeb(const std::string& host, int port, std::string_view port_key) {
  SHOAL_RETURN_IF_ERROR(metrics_.status());
  if (port < 0) return Status::ok();
  addCommonRoutes();
  SHOAL_RETURN_IF_ERROR(web_.start(host, port, std::string(port_key)));
  logger(role_)->info("{} web port (metrics, API) on http://{}/", role_, web_.address());
  return Status::ok();
}

void Daemon::stop() { web_.stop(); }

Result<std::string> openDaemonLog(const Configuration& conf, const std::string& name) {
  const std::string& dir = conf.getString(keys::kLogDir);
  if (dir.empty()) return std::string();
  auto path = logToFile(dir, safeFileName(name) + ".log", conf.getBytes(keys::kLogMaxSize),
                        static_cast<size_t>(conf.getInt(keys::kLogMaxFiles)));
  if (!path) return makeError(path.error().withContext(std::string(keys::kLogDir)));
  return path;
}

std::string daemonLogPath(const Configuration& conf, const std::string& name) {
  const std::string& dir = conf.getString(keys::kLogDir);
  return dir.empty() ? "" : dir + "/" + safeFileName(name) + ".log";
}

std::string logTail(size_t max_bytes) {
  std::string path = logFilePath();
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  auto size = static_cast<size_t>(in.tellg());
  size_t from = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(from));
  std::string text(size - from, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (from > 0) {
    auto nl = text.find('\n');
    text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
  }
  return text;
}

}  // namespace shoal::daemon
