// The worker's cache under pressure and across restarts, with real processes: a cache smaller than
// the data keeps every read correct and its tier within capacity; pages on the SSD tier survive a
// kill -9 of the worker and are served again without reading the store, and a page file corrupted
// while the worker was down is never served.
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <random>

#include "rpc/channel.h"
#include "client/context.h"
#include "client/file_reader.h"
#include "harness/master_cluster.h"
#include "testing/random_bytes.h"
#include "worker.grpc.pb.h"

namespace shoal::testing {
namespace {

namespace fs = std::filesystem;

class WorkerCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = randomBytes(24 << 20, 5);
    store_.write("file.bin", data_);
    ASSERT_TRUE(master_.start()) << master_.log();
    ASSERT_EQ(master_.cli({"fs", "mount", "/s", "file://" + store_.path()}).exit_code, 0);
  }

  std::string readThrough(const std::string& path) {
    auto conf = Configuration::load("", {"shoal.master.rpc.port=" + std::to_string(master_.port()),
                                         "shoal.user.short.circuit.enabled=false"});
    stubs::MasterClient mc(*conf);
    client::Context reader_ctx(*conf);
    client::FileReader& reader = reader_ctx.reader();
    auto f = mc.getStatus(path);
    if (!f) return "<" + f.error().toString() + ">";
    std::string out(f->size(), '\0');
    auto n = reader.pread(*f, 0, {out.data(), out.size()});
    if (!n) return "<" + n.error().toString() + ">";
    EXPECT_EQ(reader.counters().store_fallbacks.load(), 0u) << "reads must go through the worker";
    EXPECT_GT(reader.counters().worker_reads.load(), 0u);
    return out;
  }

  TempDir store_{"shoal-cache-store"};
  std::string data_;
  MasterUnderTest master_;
};

TEST_F(WorkerCacheTest, CacheSmallerThanTheDataStaysCorrectAndWithinCapacity) {
  WorkerUnderTest worker(master_, {"shoal.worker.tier.mem.capacity=6MB"});
  ASSERT_TRUE(worker.start()) << worker.log();
  for (int pass = 0; pass < 3; ++pass) ASSERT_TRUE(readThrough("/s/file.bin") == data_) << "pass " << pass;
  auto s = workerStats(worker.address());
  ASSERT_EQ(s.tiers_size(), 1);
  EXPECT_LE(s.tiers(0).used(), s.tiers(0).capacity());
  EXPECT_GT(s.tiers(0).pages(), 0u);
  EXPECT_GT(s.store_reads(), 24u) << "24 pages in 6 MB of cache: later passes must have re-read evicted pages";
}

TEST_F(WorkerCacheTest, SsdPagesSurviveAWorkerCrashAndCorruptOnesAreNeverServed) {
  TempDir ssd("shoal-cache-ssd");
  WorkerUnderTest worker(master_, {"shoal.worker.tier.mem.capacity=2MB", "shoal.worker.tier.ssd.dirs=" + ssd.path(),
                                   "shoal.worker.tier.ssd.capacity=64MB"});
  ASSERT_TRUE(worker.start()) << worker.log();
  ASSERT_TRUE(readThrough("/s/file.bin") == data_);
  EXPECT_EQ(workerStats(worker.address()).store_reads(), 24u);
  ASSERT_TRUE(worker.restart()) << worker.log();
  ASSERT_TRUE(readThrough("/s/file.bin") == data_);
  EXPECT_EQ(workerStats(worker.address()).store_reads(), 0u) << "pages kept on disk must be served after a restart";

  // Flip a byte in one page file on the SSD while the worker is down.
  std::string victim;
  for (const auto& e : fs::recursive_directory_iterator(ssd.path())) {
    if (e.is_regular_file()) victim = e.path().string();
  }
  ASSERT_FALSE(victim.empty());
  worker.kill9();
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1000);
    char c = 0;
    f.read(&c, 1);
    f.seekp(1000);
    f.put(static_cast<char>(c ^ 0x40));
  }
  ASSERT_TRUE(worker.start()) << worker.log();
  ASSERT_TRUE(readThrough("/s/file.bin") == data_) << "a corrupt page was served";
  EXPECT_EQ(workerStats(worker.address()).store_reads(), 1u) << "only the corrupt page is read from the store again";
  EXPECT_NE(worker.log().find("checksum mismatch"), std::string::npos);
}

}  // namespace
}  // namespace shoal::testing
