#include "harness/master_cluster.h"

#include <chrono>
#include <filesystem>
#include <csignal>
#include <fstream>
#include <sstream>
#include <gtest/gtest.h>
#include <thread>

#include "rpc/channel.h"
#include "stubs/worker_registry_client.h"
#include "worker.grpc.pb.h"
#include <grpcpp/grpcpp.h>

namespace shoal::testing {

const std::string& shoalBinary() {
  static const std::string bin = SHOAL_BINARY;
  return bin;
}

MasterUnderTest::MasterUnderTest(std::vector<std::string> extra, int port)
    : journal_(dir_.sub("journal")), log_path_(dir_.sub("master.log")), port_(port != 0 ? port : freePort()),
      extra_(std::move(extra)) {}

MasterUnderTest::~MasterUnderTest() {
  client_.reset();
  if (proc_.running()) proc_.stop(SIGTERM);
}

bool MasterUnderTest::start() {
  std::vector<std::string> argv{shoalBinary(), "master", "-Dshoal.master.rpc.port=" + std::to_string(port_),
                                "-Dshoal.master.journal.folder=" + journal_,
                                "-Dshoal.master.web.port=" + std::to_string(web_port_),
                                "-Dshoal.log.dir=" + dir_.sub("logs")};
  for (const auto& e : extra_) argv.push_back("-D" + e);
  if (!proc_.start(argv, log_path_)) return false;
  client_ = std::make_unique<stubs::MasterClient>(address(), 5000, 1000);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!proc_.running()) return false;
    if (client_->masterInfo()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void MasterUnderTest::kill9() {
  if (proc_.running()) proc_.stop(SIGKILL);
}

int MasterUnderTest::terminate() { return proc_.stop(SIGTERM); }

std::string MasterUnderTest::log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

stubs::MasterClient& MasterUnderTest::client() { return *client_; }

CommandResult MasterUnderTest::cli(const std::vector<std::string>& args, const std::vector<std::string>& extra_conf) {
  std::vector<std::string> argv{shoalBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("-Dshoal.master.rpc.port=" + std::to_string(port_));
  for (const auto& e : extra_conf) argv.push_back("-D" + e);
  return runCommand(argv);
}

proto::WorkerStatsResponse workerStats(const std::string& address) {
  auto stub = proto::WorkerService::NewStub(rpc::makeChannel(address));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  proto::WorkerStatsResponse resp;
  grpc::Status st = stub->GetStats(&ctx, {}, &resp);
  EXPECT_TRUE(st.ok()) << address << ": " << st.error_message();
  return resp;
}

WorkerUnderTest::WorkerUnderTest(MasterUnderTest& master, std::vector<std::string> extra)
    : master_(master), log_path_(dir_.sub("worker.log")), port_(freePort()), extra_(std::move(extra)) {
  std::string host = "127.0.0.1";
  for (const auto& e : extra_) {
    if (e.rfind("shoal.worker.hostname=", 0) == 0) host = e.substr(e.find('=') + 1);
  }
  address_ = host + ":" + std::to_string(port_);
  char tmpl[] = "/dev/shm/shoal-worker-it-XXXXXX";
  mem_dir_ = mkdtemp(tmpl);
}

WorkerUnderTest::~WorkerUnderTest() {
  if (proc_.running()) proc_.stop(SIGTERM);
  std::error_code ec;
  std::filesystem::remove_all(mem_dir_, ec);
}

bool WorkerUnderTest::start() {
  std::vector<std::string> argv{shoalBinary(), "worker", "-Dshoal.master.rpc.port=" + std::to_string(master_.port()),
                                "-Dshoal.worker.rpc.port=" + std::to_string(port_),
                                "-Dshoal.worker.tier.mem.dir=" + mem_dir_, "-Dshoal.worker.heartbeat.interval=200ms",
                                "-Dshoal.worker.data.port=0", "-Dshoal.worker.web.port=" + std::to_string(web_port_),
                                "-Dshoal.log.dir=" + dir_.sub("logs")};
  for (const auto& e : extra_) argv.push_back("-D" + e);
  if (!proc_.start(argv, log_path_)) return false;
  stubs::WorkerRegistryClient registry(master_.address(), 5000);
  auto stub = proto::WorkerService::NewStub(rpc::makeChannel(address_));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  // Ready when this process answers itself (an earlier process's registration may still look
  // live at the master) and the master lists it.
  while (std::chrono::steady_clock::now() < deadline) {
    if (!proc_.running()) return false;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    proto::WorkerStatsResponse resp;
    bool serving = stub->GetStats(&ctx, {}, &resp).ok();
    auto ws = registry.workers(false);
    if (serving && ws) {
      for (const auto& w : *ws) {
        if (w.address() == address_) return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void WorkerUnderTest::kill9() {
  if (proc_.running()) proc_.stop(SIGKILL);
}

std::string WorkerUnderTest::log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace shoal::testing
