#include "master/master_process.h"

#include <grpcpp/grpcpp.h>

#include "common/logging.h"
#include "master/fs/file_system_master.h"
#include "master/journal/local_journal.h"
#include "master/metastore/heap/heap_inode_store.h"
#include "master/service/master_service.h"
#include "master/service/worker_registry_service.h"
#include "rpc/identity.h"
#include "rpc/server_options.h"

namespace shoal::master {

struct MasterProcess::Impl {
  const Configuration& conf;
  ufs::UfsRegistry registry;
  std::unique_ptr<StateMachine> sm;
  std::unique_ptr<LocalJournal> journal;
  std::unique_ptr<FileSystemMaster> fs;
  std::unique_ptr<MasterServiceImpl> service;
  std::unique_ptr<WorkerRegistry> workers;
  std::unique_ptr<WorkerRegistryServiceImpl> worker_service;
  std::unique_ptr<grpc::Server> server;
  std::string address;
  explicit Impl(const Configuration& c) : conf(c) {}
};

MasterProcess::MasterProcess(const Configuration& conf) : impl_(std::make_unique<Impl>(conf)) {}
MasterProcess::~MasterProcess() { stop(); }

const std::string& MasterProcess::address() const { return impl_->address; }

Status MasterProcess::start() {
  auto& m = *impl_;
  auto log = logger("master");
  ufs::registerBuiltinUfs(m.registry);
  auto cluster = static_cast<uint16_t>(m.conf.getInt(keys::kMasterClusterId));
  m.sm = std::make_unique<StateMachine>(std::make_unique<HeapInodeStore>(cluster));
  m.journal = std::make_unique<LocalJournal>(m.conf.getString(keys::kMasterJournalFolder), *m.sm,
                                             static_cast<uint64_t>(m.conf.getInt(keys::kMasterJournalCheckpointPeriodEntries)));
  SHOAL_RETURN_IF_ERROR(m.journal->start());
  m.fs = std::make_unique<FileSystemMaster>(m.conf, *m.sm, *m.journal, m.registry);
  rpc::Identity self = rpc::processIdentity();
  SHOAL_RETURN_IF_ERROR(m.fs->start(CallerIdentity{self.user, self.group}));

  // The advertised address; unknown before binding only when port 0 asks for any free port.
  int port = static_cast<int>(m.conf.getInt(keys::kMasterRpcPort));
  std::string advertised = port == 0 ? "" : m.conf.getString(keys::kMasterHostname) + ":" + std::to_string(port);
  m.service = std::make_unique<MasterServiceImpl>(*m.fs, advertised, nowMs());
  m.workers = std::make_unique<WorkerRegistry>(m.conf.getDurationMs(keys::kMasterWorkerTimeout));
  m.worker_service = std::make_unique<WorkerRegistryServiceImpl>(*m.workers, *m.fs);
  auto started = rpc::startServer("master", m.conf.getString(keys::kMasterHostname),
                                  port, static_cast<int>(m.conf.getInt(keys::kMasterRpcThreads)),
                                  {m.service.get(), m.worker_service.get()}, keys::kMasterRpcPort);
  if (!started) return started.error();
  m.server = std::move(started->server);
  m.address = started->address;
  log->info("master serving on {} (journal {}, {} inodes)", m.address, m.conf.getString(keys::kMasterJournalFolder),
            m.fs->inodeCount());
  return Status::ok();
}

void MasterProcess::stop() {
  auto& m = *impl_;
  if (m.server) {
    m.server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    m.server.reset();
  }
  if (m.journal) m.journal->stop();
}

}  // namespace shoal::master
