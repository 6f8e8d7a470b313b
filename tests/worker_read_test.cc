// The data path with real processes: one master, three workers, a local store. Bytes read equal
// bytes in the store; a second pass is served from the workers without reading the store; a storm
// on one cold file reads each page from the store once; a worker killed mid-read costs nothing
// but a retry; a file rewritten in the store is never read as a mix of versions.
#include <atomic>
#include <fmt/format.h>
#include <filesystem>
#include <fstream>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <random>
#include <set>
#include <sstream>
#include <xxhash.h>
#include <thread>

#include "rpc/channel.h"
#include "stubs/data_client.h"
#include "client/context.h"
#include "client/file_reader.h"
#include "stubs/worker_registry_client.h"
#include "harness/master_cluster.h"
#include "testing/random_bytes.h"
#include "worker.grpc.pb.h"

namespace shoal::testing {
namespace {

namespace fs = std::filesystem;

class WorkerReadTest : public ::testing::Test {
 protected:
  static constexpr int kSmallFiles = 10000;
  static constexpr size_t kBigFile = 200 << 20;

  static void SetUpTestSuite() {
    store_ = new TempDir("shoal-read-store");
    std::mt19937 rng(7);
    for (int i = 0; i < kSmallFiles; ++i) {
      size_t size = 1024 + rng() % (63 * 1024);  // 1-64 KiB
      store_->write(fmt::format("small/d{}/f{}.bin", i % 20, i), randomBytes(size, i));
    }
    store_->write("big/a.bin", randomBytes(kBigFile, 1001));
    store_->write("big/b.bin", randomBytes(kBigFile + 12345, 1002));
  }
  static void TearDownTestSuite() { delete store_; }

  void SetUp() override {
    ASSERT_TRUE(master_.start()) << master_.log();
    ASSERT_EQ(master_.cli({"fs", "mount", "/data", "file://" + store_->path()}).exit_code, 0);
    for (int i = 0; i < 3; ++i) {
      workers_.push_back(std::make_unique<WorkerUnderTest>(master_));
      ASSERT_TRUE(workers_.back()->start()) << workers_.back()->log();
    }
    // This reader streams over gRPC; ShortCircuit* tests make their own same-host reader.
    auto conf = Configuration::load("", {"shoal.master.rpc.port=" + std::to_string(master_.port()),
                                         "shoal.user.short.circuit.enabled=false"});
    conf_ = std::make_unique<Configuration>(*conf);
    ctx_ = std::make_unique<client::Context>(*conf_);
    master_client_ = &ctx_->master();
    reader_ = &ctx_->reader();
  }

  std::string readAll(const proto::FileInfo& f) {
    std::string out(f.size(), '\0');
    auto n = reader_->pread(f, 0, {out.data(), out.size()});
    if (!n) return "<error: " + n.error().toString() + ">";
    out.resize(*n);
    return out;
  }

  std::string local(const std::string& shoal_path) {
    std::ifstream in(store_->path() + shoal_path.substr(5), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  uint64_t storeReads() {
    uint64_t total = 0;
    for (auto& w : workers_) total += workerStats(w->address()).store_reads();
    return total;
  }

  std::vector<proto::FileInfo> allFiles() {
    std::vector<proto::FileInfo> out;
    std::vector<std::string> dirs{"/data"};
    while (!dirs.empty()) {
      std::string d = dirs.back();
      dirs.pop_back();
      auto entries = master_client_->listAll(d);
      EXPECT_TRUE(entries) << d;
      for (auto& e : *entries) {
        if (e.is_dir()) dirs.push_back(e.path());
        else out.push_back(e);
      }
    }
    return out;
  }

  static TempDir* store_;
  MasterUnderTest master_{{"shoal.master.worker.timeout=3s"}};
  std::vector<std::unique_ptr<WorkerUnderTest>> workers_;
  std::unique_ptr<Configuration> conf_;
  std::unique_ptr<client::Context> ctx_;
  stubs::MasterClient* master_client_ = nullptr;
  client::FileReader* reader_ = nullptr;
};

TempDir* WorkerReadTest::store_ = nullptr;

TEST_F(WorkerReadTest, EveryByteMatchesAndTheSecondPassNeverReadsTheStore) {
  auto files = allFiles();
  ASSERT_EQ(files.size(), static_cast<size_t>(kSmallFiles + 2));
  for (const auto& f : files) ASSERT_EQ(readAll(f), local(f.path())) << f.path();
  uint64_t after_first = storeReads();
  EXPECT_GT(after_first, 0u);
  for (const auto& f : files) ASSERT_EQ(readAll(f), local(f.path())) << f.path();
  EXPECT_EQ(storeReads(), after_first) << "the second pass must be served from the workers";
  EXPECT_EQ(reader_->counters().store_fallbacks.load(), 0u);
  // Pages are spread over all three workers by the ring.
  for (auto& w : workers_) EXPECT_GT(workerStats(w->address()).tiers(0).pages(), 0u) << w->address();
}

TEST_F(WorkerReadTest, ShortCircuitReadsMatchAndAreTaken) {
  auto conf = Configuration::load("", {"shoal.master.rpc.port=" + std::to_string(master_.port())});
  ASSERT_TRUE(conf);
  client::Context local_reader_ctx(*conf);
  client::FileReader& local_reader = local_reader_ctx.reader();
  auto files = allFiles();
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& f : files) {
      std::string out(f.size(), '\0');
      auto n = local_reader.pread(f, 0, {out.data(), out.size()});
      ASSERT_TRUE(n) << n.error().toString();
      ASSERT_EQ(out, local(f.path())) << f.path();
    }
  }
  EXPECT_GT(local_reader.counters().short_circuit_reads.load(), static_cast<uint64_t>(kSmallFiles));
  EXPECT_EQ(local_reader.counters().worker_reads.load(), 0u) << "a same-host worker must be read by descriptor";
  uint64_t opens = 0;
  for (auto& w : workers_) opens += workerStats(w->address()).short_circuit_opens();
  EXPECT_GT(opens, 0u);
  // Random 4 KiB reads inside the big file, short-circuit and streamed, agree with the store.
  auto big = master_client_->getStatus("/data/big/b.bin");
  std::string expected = local(big->path());
  std::mt19937_64 rng(3);
  for (int i = 0; i < 500; ++i) {
    uint64_t off = rng() % (big->size() - 4096);
    std::string a(4096, '\0'), b(4096, '\0');
    ASSERT_TRUE(local_reader.pread(*big, off, {a.data(), a.size()}));
    ASSERT_TRUE(reader_->pread(*big, off, {b.data(), b.size()}));
    ASSERT_EQ(a, expected.substr(off, 4096));
    ASSERT_EQ(b, expected.substr(off, 4096));
  }
}

TEST_F(WorkerReadTest, ConcurrentColdReadersReadEachPageFromTheStoreOnce) {
  auto f = master_client_->getStatus("/data/big/b.bin");
  ASSERT_TRUE(f);
  uint64_t before = storeReads();
  std::string expected = local(f->path());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      if (readAll(*f) != expected) ++wrong;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  uint64_t pages = (f->size() + (1 << 20) - 1) >> 20;
  EXPECT_EQ(storeReads() - before, pages) << "each page must be read from the store exactly once";
}

TEST_F(WorkerReadTest, KilledWorkerMidReadCostsOnlyARetry) {
  auto a = master_client_->getStatus("/data/big/a.bin");
  ASSERT_TRUE(a);
  std::string expected = local(a->path());
  std::atomic<int> wrong{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      // Each thread reads the file in 1 MiB pieces from a different starting point.
      for (int round = 0; round < 3; ++round) {
        for (uint64_t i = 0; i < 64; ++i) {
          uint64_t off = ((i + t * 8) % 64) << 20;
          std::string buf(1 << 20, '\0');
          auto n = reader_->pread(*a, off, {buf.data(), buf.size()});
          if (!n || *n != buf.size() || buf != expected.substr(off, buf.size())) ++wrong;
        }
      }
      ++done;
    });
  }
  // Kill one worker while the readers are busy (a condition, not a sleep).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (reader_->counters().worker_reads.load() < 50 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_GE(reader_->counters().worker_reads.load(), 50u) << "readers made no progress";
  workers_[1]->kill9();
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 8);
  EXPECT_EQ(wrong.load(), 0) << "every read must complete with correct bytes";
}

TEST_F(WorkerReadTest, RewrittenFileIsNeverReadAsAMix) {
  store_->write("small/rewrite.bin", std::string(3 << 20, 'a'));
  auto v1 = master_client_->getStatus("/data/small/rewrite.bin", 0);
  ASSERT_TRUE(v1);
  ASSERT_EQ(readAll(*v1), std::string(3 << 20, 'a'));
  store_->write("small/rewrite.bin", std::string((3 << 20) + 7, 'b'));
  // With the old metadata a reader gets the whole old version (cached under its version) or a
  // clear error for pages no longer in the store, never old and new bytes mixed.
  std::string old_read(3 << 20, '\0');
  auto r = reader_->pread(*v1, 0, {old_read.data(), old_read.size()});
  if (r) {
    EXPECT_EQ(old_read, std::string(3 << 20, 'a'));
  } else {
    EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition) << r.error().toString();
  }
  auto v2 = master_client_->getStatus("/data/small/rewrite.bin", 0);
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->size(), (3u << 20) + 7);
  EXPECT_EQ(readAll(*v2), std::string((3 << 20) + 7, 'b'));
  fs::remove(store_->sub("small/rewrite.bin"));
}

TEST_F(WorkerReadTest, BadReadRequestsGetClearErrors) {
  auto f = master_client_->getStatus("/data/small/d0/f0.bin");
  ASSERT_TRUE(f);
  char buf[16];
  auto past = reader_->pread(*f, f->size() + 100, {buf, sizeof(buf)});
  ASSERT_TRUE(past);
  EXPECT_EQ(*past, 0u) << "a read past the end returns no bytes";
  auto stub = proto::WorkerService::NewStub(rpc::makeChannel(workers_[0]->address()));
  auto call = [&](const proto::ReadRequest& req) {
    grpc::ClientContext ctx;
    auto r = stub->ReadPages(&ctx, req);
    proto::ReadChunk c;
    while (r->Read(&c)) {
    }
    return r->Finish();
  };
  proto::ReadRequest req;
  req.set_path(f->path());
  req.set_file_id(f->id());
  req.set_file_size(f->size());
  req.set_mtime_ms(f->mtime_ms());
  req.set_offset(f->size() + 1);
  req.set_length(10);
  auto st = call(req);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("past the end"), std::string::npos) << st.error_message();
  req.set_file_id(0);
  EXPECT_EQ(call(req).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  req.set_file_id(999999);
  req.set_offset(0);
  req.set_path("/not/in/any/mount");
  st = call(req);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
  EXPECT_NE(st.error_message().find("not inside any mount"), std::string::npos) << st.error_message();
  req.set_path(f->path());
  req.set_file_size(f->size() + 1);  // wrong metadata: the store disagrees
  st = call(req);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  EXPECT_NE(st.error_message().find("changed in the store"), std::string::npos) << st.error_message();
  // The same through the TCP data port.
  stubs::WorkerRegistryClient registry(master_.address(), 5000);
  auto ws = registry.workers(false);
  ASSERT_TRUE(ws);
  std::string data_address = fmt::format("127.0.0.1:{}", ws->front().data_port());
  stubs::DataClient data(5000);
  std::vector<char> out(64);
  bool unreachable = true;
  req.set_file_size(f->size());
  req.set_offset(f->size() + 1);
  Status dst = data.read(data_address, req, out.data(), &unreachable);
  EXPECT_EQ(dst.code(), StatusCode::kInvalidArgument) << dst.toString();
  EXPECT_NE(dst.message().find("past the end"), std::string::npos) << dst.toString();
  EXPECT_FALSE(unreachable) << "an answer, not a connection failure";
  req.set_offset(0);
  req.set_file_size(f->size() + 1);
  req.set_length(10);
  dst = data.read(data_address, req, out.data(), &unreachable);
  EXPECT_EQ(dst.code(), StatusCode::kFailedPrecondition) << dst.toString();
  req.set_file_id(0);
  dst = data.read(data_address, req, out.data(), &unreachable);
  EXPECT_EQ(dst.code(), StatusCode::kInvalidArgument) << dst.toString();
  // The worker keeps serving.
  EXPECT_EQ(readAll(*f), local(f->path()));
}

TEST_F(WorkerReadTest, EveryTransportReturnsTheSameBytes) {
  std::vector<std::string> paths{"/data/big/b.bin"};
  for (int i = 0; i < 200; ++i) paths.push_back(fmt::format("/data/small/d{}/f{}.bin", i % 20, i));
  for (const char* transport : {"tcp", "grpc"}) {
    auto conf = Configuration::load("", {"shoal.master.rpc.port=" + std::to_string(master_.port()),
                                         "shoal.user.short.circuit.enabled=false",
                                         std::string("shoal.user.data.transport=") + transport});
    client::Context reader_ctx(*conf);
    client::FileReader& reader = reader_ctx.reader();
    for (const auto& p : paths) {
      auto f = master_client_->getStatus(p);
      ASSERT_TRUE(f) << p;
      std::string out(f->size(), '\0');
      auto n = reader.pread(*f, 0, {out.data(), out.size()});
      ASSERT_TRUE(n) << transport << " " << p << ": " << n.error().toString();
      ASSERT_TRUE(out == local(p)) << transport << " " << p;
    }
    EXPECT_GT(reader.counters().worker_reads.load(), 0u) << transport;
    if (std::string(transport) == "tcp") {
      EXPECT_EQ(reader.counters().data_port_reads.load(), reader.counters().worker_reads.load());
    } else {
      EXPECT_EQ(reader.counters().data_port_reads.load(), 0u) << "grpc must stream over ReadPages";
    }
    EXPECT_EQ(reader.counters().store_fallbacks.load(), 0u) << transport;
  }
}

TEST_F(WorkerReadTest, CliReadsAndReports) {
  auto cat = master_.cli({"fs", "cat", "/data/small/d3/f3.bin"});
  ASSERT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_EQ(cat.out, local("/data/small/d3/f3.bin"));
  auto head = master_.cli({"fs", "head", "-c", "100", "/data/small/d3/f3.bin"});
  EXPECT_EQ(head.out, local("/data/small/d3/f3.bin").substr(0, 100));
  auto tail = master_.cli({"fs", "tail", "-c", "100", "/data/small/d3/f3.bin"});
  std::string whole = local("/data/small/d3/f3.bin");
  EXPECT_EQ(tail.out, whole.substr(whole.size() - 100));
  TempDir out("shoal-copy");
  auto copy = master_.cli({"fs", "copyToLocal", "/data/big/a.bin", out.path()});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_TRUE(local("/data/big/a.bin") == [&] {
    std::ifstream in(out.sub("a.bin"), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }());
  auto dir = master_.cli({"fs", "cat", "/data/small"});
  EXPECT_EQ(dir.exit_code, 1);
  EXPECT_NE(dir.err.find("/data/small: is a directory"), std::string::npos) << dir.err;
  auto bad = master_.cli({"fs", "head", "-c", "lots", "/data/small/d3/f3.bin"});
  EXPECT_EQ(bad.exit_code, 2);
  auto report = master_.cli({"fsadmin", "report"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("Live workers:    3"), std::string::npos) << report.out;
  for (auto& w : workers_) EXPECT_NE(report.out.find(w->address()), std::string::npos);
}

TEST_F(WorkerReadTest, LocationFreeAndChecksum) {
  std::string whole = local("/data/small/d3/f3.bin");
  XXH128_hash_t h = XXH3_128bits(whole.data(), whole.size());
  auto sum = master_.cli({"fs", "checksum", "/data/small/d3/f3.bin"});
  ASSERT_EQ(sum.exit_code, 0) << sum.err;
  EXPECT_EQ(sum.out, fmt::format("{:016x}{:016x}  /data/small/d3/f3.bin\n", h.high64, h.low64));

  auto a = master_client_->getStatus("/data/big/a.bin");
  ASSERT_EQ(readAll(*a), local(a->path()));
  auto loc = master_.cli({"fs", "location", "/data/big/a.bin"});
  ASSERT_EQ(loc.exit_code, 0) << loc.err;
  std::set<uint64_t> pages;
  for (auto& w : workers_) {
    size_t at = loc.out.find(w->address());
    ASSERT_NE(at, std::string::npos) << loc.out;
    std::string list = loc.out.substr(at, loc.out.find('\n', at) - at);
    list = list.substr(list.find("pages ") + 6);
    if (list == "-") continue;
    std::stringstream in(list);
    for (std::string p; std::getline(in, p, ',');) pages.insert(std::stoull(p));
  }
  const uint64_t n = kBigFile >> 20;
  EXPECT_EQ(pages.size(), n) << loc.out;
  EXPECT_EQ(*pages.rbegin(), n - 1);

  uint64_t before = storeReads();
  auto freed = master_.cli({"fs", "free", "/data/big/a.bin"});
  ASSERT_EQ(freed.exit_code, 0) << freed.err;
  EXPECT_EQ(freed.out, fmt::format("Freed {} cached pages of /data/big/a.bin\n", n));
  auto after = master_.cli({"fs", "location", "/data/big/a.bin"});
  EXPECT_EQ(std::count(after.out.begin(), after.out.end(), '-'), 3) << after.out;
  ASSERT_EQ(readAll(*a), local(a->path()));
  EXPECT_EQ(storeReads() - before, n) << "freed pages are read from the store again";
  EXPECT_EQ(master_.cli({"fs", "free", "/data/big"}).exit_code, 1);
  EXPECT_EQ(master_.cli({"fs", "checksum", "/data/nope"}).exit_code, 1);
}

TEST_F(WorkerReadTest, LostWorkerIsReportedAndReadsGoOn) {
  workers_[2]->kill9();
  ASSERT_TRUE([&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = master_.cli({"fsadmin", "report"});
      if (r.out.find("Lost workers:    1") != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }()) << "a killed worker must be reported lost after shoal.master.worker.timeout";
  auto f = master_client_->getStatus("/data/big/b.bin");
  EXPECT_EQ(readAll(*f), local(f->path()));
}

}  // namespace
}  // namespace shoal::testing
