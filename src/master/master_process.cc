#include "master/master_process.h"

#include <algorithm>
#include <condition_variable>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <thread>

#include "common/logging.h"
#include "common/net_host.h"
#include "daemon/daemon.h"
#include "master/master_metrics.h"
#include "master/web/master_pages.h"
#include "master/fs/file_system_master.h"
#include "master/journal/local_journal.h"
#include "master/journal/raft_journal.h"
#include "master/metastore/heap/heap_inode_store.h"
#include "master/config/conf_master.h"
#include "master/service/config_service.h"
#include "master/service/s3_bucket_service.h"
#include "master/service/s3_key_service.h"
#include "master/service/config_watch_service.h"
#include "master/service/master_service.h"
#include "master/service/worker_registry_service.h"
#include "master/workers/cluster_history.h"
#include "rpc/identity.h"
#include "rpc/server_options.h"
#include "ufs/ufs_metrics.h"

namespace shoal::master {

struct MasterProcess::Impl {
  const Configuration& conf;
  daemon::Daemon daemon;
  ufs::UfsMetrics ufs_metrics;
  ufs::UfsRegistry registry;
  std::unique_ptr<StateMachine> sm;
  std::unique_ptr<Journal> journal;
  RaftJournal* raft = nullptr;  // the journal, when the masters form a Raft group
  std::unique_ptr<FileSystemMaster> fs;
  std::unique_ptr<MasterServiceImpl> service;
  std::unique_ptr<WorkerRegistry> workers;
  std::unique_ptr<ClientRegistry> clients;
  std::unique_ptr<WorkerAdmin> worker_admin;
  std::unique_ptr<WorkerRegistryServiceImpl> worker_service;
  std::unique_ptr<ConfMaster> conf_master;
  std::unique_ptr<ConfigServiceImpl> conf_service;
  std::unique_ptr<ConfigWatchServiceImpl> conf_watch;
  std::unique_ptr<S3KeyServiceImpl> s3_keys;
  std::unique_ptr<S3BucketServiceImpl> s3_buckets;
  std::atomic<ConfigWatchServiceImpl*> watchers{nullptr};  // conf_watch once it exists
  ClusterHistory history{360};  // the web UI's last hour of cluster figures
  std::unique_ptr<grpc::Server> server;
  std::string address;
  std::string host;  // bound and advertised: shoal.master.hostname or the interface's address
  // Raft: a master that becomes leader takes up the leader's duties (mounting the root store on a
  // fresh namespace); this thread watches for that.
  std::thread duties;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;  // guarded by mu
  explicit Impl(const Configuration& c) : conf(c), daemon("master", c), ufs_metrics(daemon.metrics(), "master") {}

  Result<std::unique_ptr<Journal>> makeJournal();
  Result<std::unique_ptr<Journal>> makeJournalOfKind();
  void leaderDuties(CallerIdentity self);
  // The state machine applied a new cluster configuration (a change, a replay, a snapshot).
  void confApplied();
};

void MasterProcess::Impl::confApplied() {
  proto::ClusterConf c = sm->clusterConf();
  Status st = daemon.liveConfig().update(c.version(), toRuleValues(c));
  if (!st) logger("master")->error("cannot apply the cluster configuration: {}", st.toString());
  if (auto* w = watchers.load()) w->notify();
}

Result<std::unique_ptr<Journal>> MasterProcess::Impl::makeJournal() {
  auto journal = makeJournalOfKind();
  if (journal) (*journal)->setSubmitTimeoutMs(conf.getDurationMs(keys::kMasterJournalSubmitTimeout));
  return journal;
}

Result<std::unique_ptr<Journal>> MasterProcess::Impl::makeJournalOfKind() {
  auto members = conf.getList(keys::kMasterJournalAddresses);
  if (members.empty()) {
    return std::unique_ptr<Journal>(std::make_unique<LocalJournal>(
        conf.getString(keys::kMasterJournalFolder), *sm,
        static_cast<uint64_t>(conf.getInt(keys::kMasterJournalCheckpointPeriodEntries))));
  }
  // Followers redirect clients to the leader's RPC address, so it must be fixed and reachable.
  if (conf.getInt(keys::kMasterRpcPort) == 0) {
    return makeError(invalidArgument(fmt::format("{} must name a port (not 0) when {} is set: followers send clients to it",
                                                 keys::kMasterRpcPort, keys::kMasterJournalAddresses)));
  }
  RaftJournalConfig rc;
  rc.folder = conf.getString(keys::kMasterJournalFolder);
  rc.addresses = members;
  rc.self = host + ":" + std::to_string(conf.getInt(keys::kMasterJournalPort));
  rc.rpc_address = host + ":" + std::to_string(conf.getInt(keys::kMasterRpcPort));
  rc.election_timeout = std::chrono::milliseconds(conf.getDurationMs(keys::kMasterJournalElectionTimeout));
  rc.heartbeat_timeout = std::chrono::milliseconds(conf.getDurationMs(keys::kMasterJournalHeartbeatInterval));
  if (rc.heartbeat_timeout * 2 > rc.election_timeout) {
    return makeError(invalidArgument(fmt::format("{} ({} ms) must be at most half of {} ({} ms)",
                                                 keys::kMasterJournalHeartbeatInterval, rc.heartbeat_timeout.count(),
                                                 keys::kMasterJournalElectionTimeout, rc.election_timeout.count())));
  }
  // Raft entries hold up to 64 mutations each; a snapshot every this many entries bounds the log
  // a restarted member replays and the memory libraft keeps.
  rc.snapshot_threshold = static_cast<unsigned>(
      std::clamp<int64_t>(conf.getInt(keys::kMasterJournalCheckpointPeriodEntries), 16, 16384));
  auto raft = std::make_unique<RaftJournal>(rc, *sm);
  this->raft = raft.get();
  return std::unique_ptr<Journal>(std::move(raft));
}

void MasterProcess::Impl::leaderDuties(CallerIdentity self) {
  bool leading = false;
  std::string last_error;
  std::unique_lock lock(mu);
  while (!stopping) {
    lock.unlock();
    bool now = journal->servingStatus().isOk();
    auto wait = std::chrono::milliseconds(20);
    if (now && !leading) {
      Status st = fs->start(self);
      if (st) {
        leading = true;
        last_error.clear();
      } else {
        // The store may be back in a moment; say so once, not every retry.
        if (st.toString() != last_error) logger("master")->error("taking up the leadership (will retry): {}", st.toString());
        last_error = st.toString();
        wait = std::chrono::milliseconds(1000);
      }
    } else if (!now) {
      leading = false;
    }
    lock.lock();
    cv.wait_for(lock, wait);
  }
}

MasterProcess::MasterProcess(const Configuration& conf) : impl_(std::make_unique<Impl>(conf)) {}
MasterProcess::~MasterProcess() { stop(); }

const std::string& MasterProcess::address() const { return impl_->address; }
const std::string& MasterProcess::webAddress() const { return impl_->daemon.webAddress(); }

Status MasterProcess::start() {
  auto& m = *impl_;
  auto log = logger("master");
  auto host = serviceHost(m.conf, keys::kMasterHostname, keys::kMasterNetworkInterface);
  if (!host) return host.error();
  m.host = *host;
  ufs::registerBuiltinUfs(m.registry);
  m.registry.setMetrics(&m.ufs_metrics);
  auto cluster = static_cast<uint16_t>(m.conf.getInt(keys::kMasterClusterId));
  m.sm = std::make_unique<StateMachine>(std::make_unique<HeapInodeStore>(cluster));
  m.sm->setConfObserver([&m](uint64_t) { m.confApplied(); });
  auto journal = m.makeJournal();
  if (!journal) return journal.error();
  m.journal = std::move(*journal);
  SHOAL_RETURN_IF_ERROR(m.journal->start());
  m.fs = std::make_unique<FileSystemMaster>(m.conf, *m.sm, *m.journal, m.registry);
  m.fs->followConfig(m.daemon.liveConfig());
  m.confApplied();  // the version recovered before fs followed it
  rpc::Identity self = rpc::processIdentity();
  if (m.raft) {
    // Refuse a root store that can never be mounted now, as a single master does, rather than
    // have whichever master leads fail at it later.
    const std::string& root = m.conf.getString(keys::kMasterRootUfs);
    if (!root.empty()) {
      auto store = m.registry.create(root, {});
      if (!store) {
        m.journal->stop();
        return store.error().withContext(std::string(keys::kMasterRootUfs));
      }
    }
    m.duties = std::thread([&m, self] { m.leaderDuties(CallerIdentity{self.user, self.group}); });
  } else {
    SHOAL_RETURN_IF_ERROR(m.fs->start(CallerIdentity{self.user, self.group}));
  }

  // The advertised address; unknown before binding only when port 0 asks for any free port.
  int port = static_cast<int>(m.conf.getInt(keys::kMasterRpcPort));
  std::string advertised = port == 0 ? "" : m.host + ":" + std::to_string(port);
  SHOAL_RETURN_IF_ERROR(m.daemon.startAudit("master-" + m.conf.getString(keys::kMasterRpcPort)));
  m.service = std::make_unique<MasterServiceImpl>(*m.fs, *m.journal, m.raft, advertised, nowMs(), m.daemon.audit());
  m.workers = std::make_unique<WorkerRegistry>(m.conf.getDurationMs(keys::kMasterWorkerTimeout));
  m.clients = std::make_unique<ClientRegistry>(m.conf.getDurationMs(keys::kMasterWorkerTimeout));
  m.worker_admin = std::make_unique<WorkerAdmin>(*m.sm, *m.journal, *m.workers);
  m.worker_service =
      std::make_unique<WorkerRegistryServiceImpl>(*m.workers, *m.clients, *m.fs, *m.worker_admin, *m.journal);
  m.conf_master = std::make_unique<ConfMaster>(*m.sm, *m.journal, *m.workers, *m.clients);
  m.conf_service = std::make_unique<ConfigServiceImpl>(
      *m.conf_master, *m.sm, *m.journal, [&m] { return m.address; }, [&m] { return m.daemon.liveConfig().version(); });
  m.conf_watch = std::make_unique<ConfigWatchServiceImpl>(*m.sm, *m.journal, *m.workers, *m.clients);
  m.watchers.store(m.conf_watch.get());
  m.s3_keys = std::make_unique<S3KeyServiceImpl>(*m.sm, *m.journal);
  m.s3_buckets = std::make_unique<S3BucketServiceImpl>(*m.fs, *m.sm, *m.journal);
  declareMasterMetrics(m.daemon.metrics(), *m.fs, *m.journal, m.raft, *m.workers, *m.clients);
  addMasterPages(m.daemon, m.conf, *m.fs, *m.journal, m.raft, *m.workers, m.history);
  auto started = m.daemon.startRpc(m.host, port,
                                   static_cast<int>(m.conf.getInt(keys::kMasterRpcThreads)),
                                   {m.service.get(), m.worker_service.get(), m.conf_service.get(), m.conf_watch.get(),
                                    m.s3_keys.get(), m.s3_buckets.get()},
                                   keys::kMasterRpcPort);
  if (!started) return started.error();
  m.server = std::move(started->server);
  m.address = started->address;
  const std::string& web_host = m.conf.getString(keys::kMasterWebBindHost);
  SHOAL_RETURN_IF_ERROR(m.daemon.startWeb(web_host.empty() ? m.host : web_host,
                                          static_cast<int>(m.conf.getInt(keys::kMasterWebPort)), keys::kMasterWebPort));
  m.history.start(m.conf.getDurationMs(keys::kMasterMetricsHistoryInterval),
                  [journal = m.journal.get(), workers = m.workers.get()]() -> std::optional<ClusterSample> {
                    if (!journal->servingStatus().isOk()) return std::nullopt;
                    return sampleCluster(*workers, nowMs());
                  });
  if (m.raft) {
    log->info("master listening on {}, journal {} in the Raft group {} (the leader serves)", m.address,
              m.conf.getString(keys::kMasterJournalFolder), m.conf.getString(keys::kMasterJournalAddresses));
  } else {
    log->info("master serving on {} (journal {}, {} inodes)", m.address, m.conf.getString(keys::kMasterJournalFolder),
              m.fs->inodeCount());
  }
  return Status::ok();
}

void MasterProcess::stop() {
  auto& m = *impl_;
  {
    std::lock_guard lock(m.mu);
    m.stopping = true;
  }
  m.cv.notify_all();
  if (m.duties.joinable()) m.duties.join();
  m.history.stop();
  m.daemon.stop();
  // Waiting watches are answered first: a server shutting down waits for every call in progress.
  if (m.conf_watch) m.conf_watch->stop();
  if (m.server) {
    m.server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    m.server.reset();
  }
  if (m.journal) m.journal->stop();
}

}  // namespace shoal::master
