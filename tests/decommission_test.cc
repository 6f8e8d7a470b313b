// Taking a worker out of a running cluster (`shoal fsadmin decommission worker`): with real
// processes (one master, three workers, a local store). The worker holds pages of pinned files and
// of files written MUST_CACHE (no store copy) while eight readers read every file; it hands those
// pages over, no read fails, it is reported decommissioned, and once it is stopped every byte is
// still there. Restarted, it stays out (the state is journaled) until enabled.
#include <atomic>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <mutex>
#include <set>
#include <thread>

#include "client/context.h"
#include "client/file_reader.h"
#include "client/file_writer.h"
#include "stubs/worker_registry_client.h"
#include "harness/master_cluster.h"
#include "rpc/channel.h"
#include "testing/random_bytes.h"
#include "worker.grpc.pb.h"

namespace shoal::testing {
namespace {

constexpr uint64_t kPage = 1 << 20;

class DecommissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(master_.start()) << master_.log();
    ASSERT_EQ(master_.cli({"fs", "mount", "/data", "file://" + store_.path()}).exit_code, 0);
    for (int i = 0; i < 3; ++i) {
      workers_.push_back(std::make_unique<WorkerUnderTest>(master_, std::vector<std::string>{
                                                                         "shoal.worker.heartbeat.interval=200ms"}));
      ASSERT_TRUE(workers_.back()->start()) << workers_.back()->log();
    }
    conf_ = std::make_unique<Configuration>(*Configuration::load(
        "", {"shoal.master.rpc.port=" + std::to_string(master_.port()), "shoal.user.short.circuit.enabled=false",
             "shoal.user.worker.list.refresh.interval=100ms"}));
    ctx_ = std::make_unique<client::Context>(*conf_);
    mc_ = &ctx_->master();
    reader_ = &ctx_->reader();
    registry_client_ = std::make_unique<stubs::WorkerRegistryClient>(master_.address(), 10'000);
  }

  Result<proto::FileInfo> write(const std::string& path, const std::string& data, proto::WriteType type) {
    auto w = ctx_->createFile(path, {type, {}, true});
    if (!w) return makeError(w.error());
    Status st = (*w)->write({data.data(), data.size()});
    if (!st) return makeError(st);
    return (*w)->close();
  }

  std::string readAll(client::FileReader& reader, const std::string& path) {
    auto f = mc_->getStatus(path, 0);
    if (!f) return "<" + f.error().toString() + ">";
    std::string out(f->size(), '\0');
    auto n = reader.pread(*f, 0, {out.data(), out.size()});
    if (!n) return "<" + n.error().toString() + ">";
    return out;
  }

  // The page indexes of the file the worker at `address` holds.
  std::set<uint64_t> pagesOn(const std::string& address, uint64_t file_id) {
    auto stub = proto::WorkerService::NewStub(rpc::makeChannel(address));
    grpc::ClientContext ctx;
    proto::FilePagesRequest req;
    req.set_file_id(file_id);
    proto::FilePagesResponse resp;
    EXPECT_TRUE(stub->ListFilePages(&ctx, req, &resp).ok()) << address;
    return {resp.pages().begin(), resp.pages().end()};
  }

  proto::WorkerState stateOf(const std::string& address) {
    auto ws = registry_client_->workers(/*include_lost=*/true);
    if (!ws) return proto::WorkerState(-1);
    for (const auto& w : *ws) {
      if (w.address() == address) return w.state();
    }
    return proto::WorkerState(-1);
  }

  TempDir store_{"shoal-decommission-store"};
  MasterUnderTest master_{{"shoal.master.worker.timeout=3s"}};
  std::vector<std::unique_ptr<WorkerUnderTest>> workers_;
  std::unique_ptr<Configuration> conf_;
  std::unique_ptr<client::Context> ctx_;
  stubs::MasterClient* mc_ = nullptr;
  client::FileReader* reader_ = nullptr;
  std::unique_ptr<stubs::WorkerRegistryClient> registry_client_;
};

TEST_F(DecommissionTest, HandsPinnedAndCacheOnlyPagesOverWhileEightReadersRead) {
  // Files with no store copy, and pinned files fully cached: each of several pages, spread over
  // the three workers by the ring.
  std::map<std::string, std::string> files;
  std::map<std::string, proto::FileInfo> infos;
  for (int i = 0; i < 6; ++i) {
    std::string path = fmt::format("/data/mc{}.bin", i);
    files[path] = randomBytes(3 * kPage + 1000 * i + 7, 100 + i);
    auto info = write(path, files[path], proto::MUST_CACHE);
    ASSERT_TRUE(info) << info.error().toString();
    EXPECT_FALSE(info->persisted());
    infos[path] = *info;
  }
  for (int i = 0; i < 4; ++i) {
    std::string path = fmt::format("/data/pinned{}.bin", i);
    files[path] = randomBytes(3 * kPage + 500 * i + 3, 200 + i);
    auto info = write(path, files[path], proto::CACHE_THROUGH);
    ASSERT_TRUE(info) << info.error().toString();
    ASSERT_EQ(master_.cli({"fs", "pin", path}).exit_code, 0);
    ASSERT_EQ(readAll(*reader_, path), files[path]);  // cached at the owners
    infos[path] = *info;
  }
  // The worker holding the most of these pages leaves.
  size_t victim = 0, most = 0;
  for (size_t w = 0; w < workers_.size(); ++w) {
    size_t held = 0;
    for (const auto& [path, info] : infos) held += pagesOn(workers_[w]->address(), info.id()).size();
    if (held > most) most = held, victim = w;
  }
  const std::string leaving = workers_[victim]->address();
  ASSERT_GT(most, 0u);
  ASSERT_TRUE(eventually([&] { return workerStats(leaving).pinned_files() == 4; }));

  // Written once the worker is leaving; the readers read it from then on. Its bytes are made now:
  // `files` is not touched while the readers run.
  const std::string after_path = "/data/after.bin";
  const std::string after_data = randomBytes(3 * kPage, 300);
  std::atomic<bool> after_written{false};
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reads{0};
  std::mutex mu;
  std::vector<std::string> failures;
  std::vector<std::thread> readers;
  // Joined on every way out of the test, a failed ASSERT included.
  struct Join {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    void now() {
      stop = true;
      for (auto& t : threads) {
        if (t.joinable()) t.join();
      }
    }
    ~Join() { now(); }
  } join{stop, readers};
  for (int t = 0; t < 8; ++t) {
    readers.emplace_back([&, t] {
      client::Context reader_ctx(*conf_);
      client::FileReader& reader = reader_ctx.reader();
      auto check = [&](const std::string& path, const std::string& data) {
        std::string got = readAll(reader, path);
        reads.fetch_add(1);
        if (got != data) {
          std::lock_guard lock(mu);
          failures.push_back(fmt::format("reader {} {}: {}", t, path, got.size() < 200 ? got : "wrong bytes"));
        }
      };
      while (!stop.load()) {
        for (const auto& [path, data] : files) check(path, data);
        if (after_written.load()) check(after_path, after_data);
      }
    });
  }
  ASSERT_TRUE(eventually([&] { return reads.load() >= 16; }));
  auto r = master_.cli({"fsadmin", "decommission", "worker", leaving});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("is being decommissioned"), std::string::npos) << r.out;
  // New pages go elsewhere at once (a client with a fresh worker list).
  ASSERT_TRUE(eventually([&] { return stateOf(leaving) != proto::WORKER_ACTIVE; }));
  {
    client::Context fresh_ctx(*conf_);
    client::FileReader& fresh = fresh_ctx.reader();
    auto w = fresh_ctx.createFile(after_path, {proto::MUST_CACHE, {}, true});
    ASSERT_TRUE(w) << w.error().toString();
    ASSERT_TRUE((*w)->write({after_data.data(), after_data.size()}));
    auto info = (*w)->close();
    ASSERT_TRUE(info) << info.error().toString();
    EXPECT_TRUE(pagesOn(leaving, info->id()).empty()) << "a decommissioning worker took new pages";
    after_written = true;
  }
  ASSERT_TRUE(eventually([&] { return stateOf(leaving) == proto::WORKER_DECOMMISSIONED; }, 60))
      << workers_[victim]->log();
  uint64_t reads_at_done = reads.load();
  ASSERT_TRUE(eventually([&] { return reads.load() >= reads_at_done + 16; }));
  join.now();
  files[after_path] = after_data;
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed reads, first: " << failures.front();
  r = master_.cli({"fsadmin", "report"});
  EXPECT_NE(r.out.find("DECOMMISSIONED"), std::string::npos) << r.out;

  // Stopped, it takes nothing with it: every page of the pinned and MUST_CACHE files is held by
  // the others, and every file reads back whole.
  workers_[victim]->kill9();
  for (const auto& [path, info] : infos) {
    std::set<uint64_t> held;
    for (size_t w = 0; w < workers_.size(); ++w) {
      if (w == victim) continue;
      for (uint64_t p : pagesOn(workers_[w]->address(), info.id())) held.insert(p);
    }
    EXPECT_EQ(held.size(), (info.size() + kPage - 1) / kPage) << path;
  }
  client::Context after_ctx(*conf_);
  client::FileReader& after = after_ctx.reader();
  for (const auto& [path, data] : files) EXPECT_EQ(readAll(after, path), data) << path;

  // Restarted (and with the master restarted too), it stays out until enabled.
  ASSERT_TRUE(master_.restart()) << master_.log();
  ASSERT_TRUE(workers_[victim]->start()) << workers_[victim]->log();
  EXPECT_EQ(stateOf(leaving), proto::WORKER_DECOMMISSIONED);
  r = master_.cli({"fsadmin", "enable", "worker", leaving});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("active again (it was DECOMMISSIONED)"), std::string::npos) << r.out;
  EXPECT_EQ(stateOf(leaving), proto::WORKER_ACTIVE);
}

// A long-lived writer keeps its worker list for shoal.user.worker.list.refresh.interval (10 s by
// default). It must still place no page on a worker decommissioned meanwhile: the master's reply to
// CreateFile says the worker states changed, and the writer fetches the list first. Before that, its
// MUST_CACHE write failed with the decommissioning worker's refusal.
TEST_F(DecommissionTest, AWriterWithAnOldWorkerListPlacesNoPageOnALeavingWorker) {
  auto conf = *Configuration::load("", {"shoal.master.rpc.port=" + std::to_string(master_.port()),
                                        "shoal.user.short.circuit.enabled=false"});
  client::Context writer_side_ctx(conf);
  client::FileReader& writer_side = writer_side_ctx.reader();
  auto writeWith = [&](const std::string& path, const std::string& data) -> Result<proto::FileInfo> {
    auto w = writer_side_ctx.createFile(path,
                                        {proto::MUST_CACHE, {}, true});
    if (!w) return makeError(w.error());
    if (Status st = (*w)->write({data.data(), data.size()}); !st) return makeError(st);
    return (*w)->close();
  };
  // 16 pages: the ring gives each of the three workers some (all 16 missing one: p < 0.002).
  const std::string first = randomBytes(16 * kPage, 400);
  auto before = writeWith("/data/before.bin", first);
  ASSERT_TRUE(before) << before.error().toString();
  const std::string leaving = workers_[0]->address();
  ASSERT_FALSE(pagesOn(leaving, before->id()).empty()) << "the first worker got no page; the test shows nothing";

  auto r = master_.cli({"fsadmin", "decommission", "worker", leaving});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string second = randomBytes(16 * kPage, 401);
  auto after = writeWith("/data/after-decommission.bin", second);
  ASSERT_TRUE(after) << after.error().toString();
  EXPECT_TRUE(pagesOn(leaving, after->id()).empty()) << "a page went to the decommissioning worker";
  EXPECT_EQ(readAll(*reader_, "/data/after-decommission.bin"), second);
  EXPECT_EQ(readAll(*reader_, "/data/before.bin"), first);
}

// A file with no store copy is only where its writer put it, and the writer's worker list may not
// be the reader's: one of them has not looked since a worker joined or began leaving. The reader
// still finds every page. Before, a reader whose list predated a decommission failed with "page 0
// is not cached on this worker" (decommission_it's eight readers, now and then), and so did a
// reader that knew of a worker the writer did not.
TEST_F(DecommissionTest, CacheOnlyPagesAreFoundWhenWriterAndReaderKnowDifferentWorkers) {
  // A client that fetched the list now and will not look again for an hour.
  auto old_conf = *Configuration::load("", {"shoal.master.rpc.port=" + std::to_string(master_.port()),
                                            "shoal.user.short.circuit.enabled=false",
                                            "shoal.user.worker.list.refresh.interval=1h"});
  client::Context old_ctx(old_conf);
  ASSERT_EQ(old_ctx.workers().ring()->size(), 3u);
  auto writeWith = [&](client::Context& ctx, const std::string& path,
                       const std::string& data) -> Result<proto::FileInfo> {
    auto w = ctx.createFile(path, {proto::MUST_CACHE, {}, true});
    if (!w) return makeError(w.error());
    if (Status st = (*w)->write({data.data(), data.size()}); !st) return makeError(st);
    return (*w)->close();
  };
  // Writes files of four pages with `writer` until one has a page that `reader_ring` places on
  // `address` (each page does with p = 1/4 or 1/3): those are the pages the two lists disagree on.
  auto writeUntilMoved = [&](client::Context& writer, const stubs::WorkerRing& reader_ring, const std::string& address,
                             const std::string& prefix, std::string* data) -> std::string {
    for (int i = 0; i < 20; ++i) {
      std::string path = fmt::format("{}{}.bin", prefix, i);
      *data = randomBytes(4 * kPage, 500 + i);
      auto info = writeWith(writer, path, *data);
      EXPECT_TRUE(info) << info.error().toString();
      if (!info) return "";
      for (uint64_t p = 0; p < 4; ++p) {
        if (reader_ring.owner(info->id(), p)->address == address) return path;
      }
    }
    return "";
  };

  // A worker joins. The old client writes by the list without it; a new one reads by the list with it.
  workers_.push_back(std::make_unique<WorkerUnderTest>(master_, std::vector<std::string>{
                                                                     "shoal.worker.heartbeat.interval=200ms"}));
  ASSERT_TRUE(workers_.back()->start()) << workers_.back()->log();
  const std::string joined = workers_.back()->address();
  client::Context new_ctx(*conf_);
  ASSERT_TRUE(eventually([&] { return new_ctx.workers().ring()->size() == 4; }));
  std::string data;
  std::string path = writeUntilMoved(old_ctx, *new_ctx.workers().ring(), joined, "/data/joined", &data);
  ASSERT_FALSE(path.empty()) << "no page the two lists disagree on; the test shows nothing";
  std::string got = readAll(new_ctx.reader(), path);
  EXPECT_TRUE(got == data) << path << ": " << (got.size() < 300 ? got : "wrong bytes");

  // A worker begins leaving. A new client writes by the list without it; the old one reads by the
  // list that still has it as an owner.
  const std::string leaving = workers_[0]->address();
  auto r = master_.cli({"fsadmin", "decommission", "worker", leaving});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  client::Context newer_ctx(*conf_);
  path = writeUntilMoved(newer_ctx, *old_ctx.workers().ring(), leaving, "/data/left", &data);
  ASSERT_FALSE(path.empty()) << "no page the two lists disagree on; the test shows nothing";
  got = readAll(old_ctx.reader(), path);
  EXPECT_TRUE(got == data) << path << ": " << (got.size() < 300 ? got : "wrong bytes");
}

TEST_F(DecommissionTest, BadRequestsAreRefusedNamingTheCause) {
  auto r = master_.cli({"fsadmin", "decommission", "worker", "127.0.0.1:1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no such worker"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(workers_[0]->address()), std::string::npos) << "the known workers are listed: " << r.err;
  r = master_.cli({"fsadmin", "enable", "worker", workers_[0]->address()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("already active"), std::string::npos) << r.out;
  r = master_.cli({"fsadmin", "decommission", "worker"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("address"), std::string::npos) << r.err;
  // Nothing changed.
  for (auto& w : workers_) EXPECT_EQ(stateOf(w->address()), proto::WORKER_ACTIVE);
}

}  // namespace
}  // namespace shoal::testing
