#include "bench_cluster.h"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "stubs/worker_registry_client.h"
#include "master/master_process.h"
#include "testing/free_port.h"
#include "worker/worker_process.h"

namespace shoal::bench {

struct BenchCluster::Impl {
  Configuration conf;
  std::unique_ptr<master::MasterProcess> master;
  std::unique_ptr<worker::WorkerProcess> worker;
  std::unique_ptr<stubs::MasterClient> client;
};

BenchCluster::BenchCluster(const std::string& work_dir, const std::string& store, const std::string& mem_dir,
                           uint64_t mem_capacity, const std::vector<std::string>& extra)
    : impl_(std::make_unique<Impl>()) {
  std::vector<std::string> settings{
      "shoal.master.rpc.port=" + std::to_string(testing::freeLoopbackPort()),
      "shoal.master.journal.folder=" + work_dir + "/journal",
      "shoal.master.mount.table.root.ufs=file://" + store,
      "shoal.worker.rpc.port=" + std::to_string(testing::freeLoopbackPort()),
      "shoal.worker.data.port=0",
      "shoal.worker.tier.mem.dir=" + mem_dir,
      "shoal.worker.tier.mem.capacity=" + std::to_string(mem_capacity),
      "shoal.worker.domain.socket.dir=" + work_dir,
      "shoal.worker.heartbeat.interval=100ms",
      "shoal.master.web.port=0",
      "shoal.worker.web.port=0",
      "shoal.log.dir=" + work_dir + "/logs",
      "shoal.log.level=warn"};
  settings.insert(settings.end(), extra.begin(), extra.end());
  auto conf = Configuration::load("", settings);
  if (!conf) throw std::runtime_error(conf.error().toString());
  impl_->conf = *conf;
  impl_->master = std::make_unique<master::MasterProcess>(impl_->conf);
  if (Status st = impl_->master->start(); !st) throw std::runtime_error(st.toString());
  impl_->worker = std::make_unique<worker::WorkerProcess>(impl_->conf);
  if (Status st = impl_->worker->start(); !st) throw std::runtime_error(st.toString());
  impl_->client = std::make_unique<stubs::MasterClient>(impl_->conf);
  stubs::WorkerRegistryClient wr(impl_->client->address(), 5000);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    auto ws = wr.workers(false);
    if (ws && !ws->empty()) break;
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the bench worker never registered");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

BenchCluster::~BenchCluster() {
  impl_->client.reset();
  impl_->worker->stop();
  impl_->master->stop();
}

const Configuration& BenchCluster::conf() const { return impl_->conf; }
stubs::MasterClient& BenchCluster::masterClient() { return *impl_->client; }

}  // namespace shoal::bench
