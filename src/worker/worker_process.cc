#include "worker/worker_process.h"

#include <condition_variable>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <thread>

#include "stubs/master_client.h"
#include "stubs/conf_sync.h"
#include "stubs/worker_registry_client.h"
#include "common/logging.h"
#include "common/net_host.h"
#include "daemon/daemon.h"
#include "ufs/ufs_metrics.h"
#include "worker/worker_metrics.h"
#include "worker/worker_pages.h"
#include "rpc/server_options.h"
#include "worker/page_server.h"
#include "worker/service/worker_service.h"
#include "worker/data_server.h"
#include "worker/handover.h"
#include "worker/short_circuit_server.h"

namespace shoal::worker {

struct WorkerProcess::Impl {
  const Configuration& conf;
  daemon::Daemon daemon;
  ufs::UfsMetrics ufs_metrics;
  ufs::UfsRegistry registry;
  std::unique_ptr<PageStore> store;
  std::unique_ptr<stubs::MasterClient> master;
  std::unique_ptr<stubs::UfsDirect> ufs;
  std::unique_ptr<PageServer> pages;
  std::unique_ptr<PageIngest> ingest;
  std::unique_ptr<WorkerServiceImpl> service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<ShortCircuitServer> short_circuit;
  std::unique_ptr<DataServer> data_server;
  std::unique_ptr<stubs::WorkerRegistryClient> registry_client;
  std::unique_ptr<stubs::ConfSync> conf_sync;  // the cluster configuration, into daemon.liveConfig()
  std::unique_ptr<Handover> handover;           // while decommissioned
  std::string address;
  std::string host;  // bound and advertised: shoal.worker.hostname or the interface's address
  std::string domain_socket;
  std::thread heartbeat;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  explicit Impl(const Configuration& c) : conf(c), daemon("worker", c), ufs_metrics(daemon.metrics(), "worker") {}
  void heartbeatLoop();
};

WorkerProcess::WorkerProcess(const Configuration& conf) : impl_(std::make_unique<Impl>(conf)) {}
WorkerProcess::~WorkerProcess() { stop(); }
const std::string& WorkerProcess::address() const { return impl_->address; }
const std::string& WorkerProcess::webAddress() const { return impl_->daemon.webAddress(); }
metrics::Registry& WorkerProcess::metrics() { return impl_->daemon.metrics(); }

namespace {

std::vector<TierConfig> tiersFrom(const Configuration& conf) {
  std::vector<TierConfig> tiers{{"MEM", conf.getString(keys::kWorkerTierMemDir), conf.getBytes(keys::kWorkerTierMemCapacity)}};
  const std::string& ssd = conf.getString(keys::kWorkerTierSsdDirs);
  size_t start = 0, n = 0;
  while (start < ssd.size()) {
    size_t comma = ssd.find(',', start);
    if (comma == std::string::npos) comma = ssd.size();
    std::string dir = ssd.substr(start, comma - start);
    if (!dir.empty()) tiers.push_back({fmt::format("SSD{}", n++), dir, conf.getBytes(keys::kWorkerTierSsdCapacity)});
    start = comma + 1;
  }
  return tiers;
}

}  // namespace

Status WorkerProcess::start() {
  auto& w = *impl_;
  auto host = serviceHost(w.conf, keys::kWorkerHostname, keys::kWorkerNetworkInterface);
  if (!host) return host.error();
  w.host = *host;
  auto store = PageStore::open(tiersFrom(w.conf));
  if (!store) return store.error();
  w.store = std::move(*store);
  ufs::registerBuiltinUfs(w.registry);
  w.registry.setMetrics(&w.ufs_metrics);
  w.master = std::make_unique<stubs::MasterClient>(w.conf);
  w.ufs = std::make_unique<stubs::UfsDirect>(*w.master, w.registry);
  w.pages = std::make_unique<PageServer>(*w.store, *w.ufs, w.conf.getBytes(keys::kWorkerPageSize));
  w.ingest = std::make_unique<PageIngest>(*w.store, w.conf.getBytes(keys::kWorkerPageSize));
  w.service = std::make_unique<WorkerServiceImpl>(*w.pages, *w.store, *w.ingest);

  auto started = w.daemon.startRpc(w.host,
                                   static_cast<int>(w.conf.getInt(keys::kWorkerRpcPort)),
                                   static_cast<int>(w.conf.getInt(keys::kWorkerRpcThreads)), {w.service.get()},
                                   keys::kWorkerRpcPort);
  if (!started) return started.error();
  w.server = std::move(started->server);
  w.address = started->address;
  const std::string& sock_dir = w.conf.getString(keys::kWorkerDomainSocketDir);
  if (!sock_dir.empty()) {
    w.domain_socket = fmt::format("{}/worker-{}.sock", sock_dir, w.address.substr(w.address.rfind(':') + 1));
    w.short_circuit = std::make_unique<ShortCircuitServer>(*w.pages);
    w.short_circuit->setMaxConnections(static_cast<size_t>(w.conf.getInt(keys::kWorkerMaxConnections)));
    Status st = w.short_circuit->listenUnix(w.domain_socket);
    if (!st) return st.withContext(std::string(keys::kWorkerDomainSocketDir));
  }
  w.data_server = std::make_unique<DataServer>(*w.pages);
  w.data_server->setMaxConnections(static_cast<size_t>(w.conf.getInt(keys::kWorkerMaxConnections)));
  Status data = w.data_server->listenTcp(w.host,
                                         static_cast<int>(w.conf.getInt(keys::kWorkerDataPort)));
  if (!data) return data.withContext(std::string(keys::kWorkerDataPort));
  declareWorkerMetrics(w.daemon.metrics(), *w.pages, *w.store, *w.data_server, w.short_circuit.get());
  addWorkerPages(w.daemon, w.address, *w.pages, *w.store);
  const std::string& web_host = w.conf.getString(keys::kWorkerWebBindHost);
  SHOAL_RETURN_IF_ERROR(w.daemon.startWeb(web_host.empty() ? w.host : web_host,
                                          static_cast<int>(w.conf.getInt(keys::kWorkerWebPort)), keys::kWorkerWebPort));
  w.registry_client = std::make_unique<stubs::WorkerRegistryClient>(
      w.master->addresses(), w.conf.getDurationMs(keys::kUserRpcTimeout));
  w.conf_sync = std::make_unique<stubs::ConfSync>(w.master->connection(), w.daemon.liveConfig(), "worker",
                                                   w.host, w.address);
  w.handover = std::make_unique<Handover>(*w.store, *w.ingest, *w.registry_client, w.conf.getBytes(keys::kWorkerPageSize));
  w.heartbeat = std::thread([&w] { w.heartbeatLoop(); });
  logger("worker")->info("worker serving on {} (master {})", w.address, w.master->address());
  return Status::ok();
}

void WorkerProcess::Impl::heartbeatLoop() {
  auto log = logger("worker");
  uint64_t id = 0;
  auto interval = std::chrono::milliseconds(conf.getDurationMs(keys::kWorkerHeartbeatInterval));
  bool warned = false;
  std::unique_lock lock(mu);
  while (!stopping) {
    lock.unlock();
    if (id == 0) {
      proto::WorkerInfo info;
      info.set_address(address);
      info.set_host(host);
      info.set_domain_socket(domain_socket);
      info.set_data_port(static_cast<uint32_t>(data_server->port()));
      for (auto& t : tierUsage(*store)) *info.add_tiers() = std::move(t);
      *info.mutable_counters() = counterSnapshot(*pages, *store);
      auto r = registry_client->registerWorker(info);
      if (r) {
        id = *r;
        warned = false;
        log->info("registered with the master as worker {}", id);
      } else if (!warned) {
        log->warn("cannot register with the master (will keep trying): {}", r.error().message());
        warned = true;
      }
    } else {
      proto::HandoverProgress progress = handover->progress();
      auto r = registry_client->heartbeat(id, address, tierUsage(*store), counterSnapshot(*pages, *store),
                                          daemon.liveConfig().version(), &progress);
      if (r && r->reregister()) {
        log->info("the master does not know worker {}; registering again", id);
        id = 0;
        lock.lock();
        continue;  // at once, so the master knows its workers again within one heartbeat
      }
      if (!r && !warned) {
        log->warn("heartbeat to the master failed (will keep trying): {}", r.error().message());
        warned = true;
      } else if (r) {
        warned = false;
        store->setPinnedFiles({r->pinned_file_ids().begin(), r->pinned_file_ids().end()});
        ufs->noteMountTableVersion(r->mount_table_version());
        conf_sync->noteVersion(r->conf_version());
        handover->noteState(r->state());
      }
    }
    lock.lock();
    cv.wait_for(lock, interval, [this] { return stopping; });
  }
}

void WorkerProcess::stop() {
  auto& w = *impl_;
  {
    std::lock_guard lock(w.mu);
    if (w.stopping) return;
    w.stopping = true;
  }
  w.cv.notify_all();
  if (w.heartbeat.joinable()) w.heartbeat.join();
  w.handover.reset();
  w.conf_sync.reset();
  w.daemon.stop();
  if (w.short_circuit) w.short_circuit->stop();
  if (w.data_server) w.data_server->stop();
  if (w.server) w.server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

}  // namespace shoal::worker
