// The cephfs:// backend against the shared conformance suite and the test Ceph, plus its own
// mount-time errors.
#include "ufs/cephfs/cephfs_ufs.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fmt/format.h>
#include <iostream>
#include <mutex>
#include <thread>
#include <unistd.h>

#include "ufs/cephfs/ceph_connection.h"

#include "testing/test_ceph.h"
#include "ufs/testing/ufs_conformance.h"

namespace shoal::ufs::testing {
namespace {

std::shared_ptr<Ufs> makeCeph() {
  auto ceph = shoal::testing::testCeph();
  if (!ceph) return nullptr;  // not run by CTest: skipped
  UfsRegistry registry;
  registerBuiltinUfs(registry);
  auto root = registry.create("cephfs:///", {{"ceph.conf", ceph->conf()}});
  if (!root) {
    ADD_FAILURE() << root.error().toString();
    return nullptr;
  }
  static std::atomic<int> seq{0};
  std::string dir = "/conformance-" + std::to_string(::getpid()) + "-" + std::to_string(seq++);
  if (Status st = (*root)->mkdirs(dir, 0755); !st) {
    ADD_FAILURE() << st.toString();
    return nullptr;
  }
  auto ufs = registry.create("cephfs://" + dir, {{"ceph.conf", ceph->conf()}});
  if (!ufs) ADD_FAILURE() << ufs.error().toString();
  return ufs ? *ufs : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Ceph, UfsConformance, ::testing::Values(UfsTarget{"cephfs", makeCeph}),
                         [](const auto& info) { return info.param.name; });

class CephUfsErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    ceph_ = shoal::testing::testCeph();
    if (!ceph_) GTEST_SKIP() << "run by CTest with the test Ceph";
    registerBuiltinUfs(registry_);
  }
  std::optional<shoal::testing::TestCeph> ceph_;
  UfsRegistry registry_;
};

TEST_F(CephUfsErrors, MissingDirectoryIsAMountTimeError) {
  auto r = registry_.create("cephfs:///no/such/dir", {{"ceph.conf", ceph_->conf()}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  EXPECT_NE(r.error().message().find("cephfs:///no/such/dir"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("does not exist"), std::string::npos) << r.error().message();
}

TEST_F(CephUfsErrors, UnknownFileSystemAndOptionsAreRefused) {
  auto fs = registry_.create("cephfs://nosuchfs/", {{"ceph.conf", ceph_->conf()}});
  ASSERT_FALSE(fs);
  EXPECT_NE(fs.error().message().find("nosuchfs"), std::string::npos) << fs.error().message();
  auto opt = registry_.create("cephfs:///", {{"ceph.conf", ceph_->conf()}, {"ceph.colour", "red"}});
  ASSERT_FALSE(opt);
  EXPECT_NE(opt.error().message().find("unknown mount option 'ceph.colour'"), std::string::npos);
  auto conf = registry_.create("cephfs:///", {{"ceph.conf", "/no/such/ceph.conf"}});
  ASSERT_FALSE(conf);
  EXPECT_NE(conf.error().message().find("/no/such/ceph.conf"), std::string::npos) << conf.error().message();
  auto timeout = registry_.create("cephfs:///", {{"ceph.conf", ceph_->conf()}, {"ceph.timeout", "soon"}});
  ASSERT_FALSE(timeout);
  EXPECT_NE(timeout.error().message().find("ceph.timeout"), std::string::npos);
}

TEST_F(CephUfsErrors, UnreachableClusterFailsWithinTheTimeout) {
  // A conf whose monitor nobody listens on: the mount must fail, naming the store, not hang. The
  // time it takes is printed; the bound asserted is a hang detector (ten times the timeout), not
  // a speed claim.
  std::string conf = "/tmp/shoal-unreachable-ceph-" + std::to_string(::getpid()) + ".conf";
  FILE* f = std::fopen(conf.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("[global]\nmon host = v2:127.0.0.1:1\nauth client required = none\n", f);
  std::fclose(f);
  auto start = std::chrono::steady_clock::now();
  auto r = registry_.create("cephfs:///", {{"ceph.conf", conf}, {"ceph.timeout", "2s"}});
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  ::unlink(conf.c_str());
  std::cout << fmt::format("unreachable cluster, ceph.timeout=2s: the mount failed after {} ms\n", took.count());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("cephfs:///"), std::string::npos) << r.error().message();
  EXPECT_LT(took, std::chrono::seconds(20)) << "the mount hung far beyond its timeout";
}

// A cluster whose calls hang must not grow the connection's threads: with every call thread stuck
// and the queue full, the next calls fail at once, naming the store and the cause, and when the
// calls come back every queued one completes. The stuck calls here block on a latch the test
// holds, so "stuck" is exact and the test needs no timing.
TEST_F(CephUfsErrors, StuckCallsFillAFixedPoolAndLaterCallsFailFast) {
  auto conn = CephConnection::open(CephConfig{"cephfs:///", ceph_->conf(), "admin", "", "", "/", std::chrono::minutes(10)});
  ASSERT_TRUE(conn) << conn.error().toString();
  struct Latch {
    std::mutex mu;
    std::condition_variable cv;
    bool open = false;
    int running = 0, most = 0;
  };
  auto latch = std::make_shared<Latch>();
  const size_t admitted = CephConnection::kCallThreads + CephConnection::kCallQueue;
  const size_t extra = 12;
  std::atomic<size_t> refused{0}, completed{0}, other{0};
  std::string refusal;
  std::mutex refusal_mu;
  std::vector<std::thread> callers;
  for (size_t i = 0; i < admitted + extra; ++i) {
    callers.emplace_back([&, latch] {
      auto r = (*conn)->call("stat /held", [latch](ceph_mount_info*) -> int64_t {
        std::unique_lock lock(latch->mu);
        latch->most = std::max(latch->most, ++latch->running);
        latch->cv.wait(lock, [&] { return latch->open; });
        --latch->running;
        return 7;
      });
      if (r && *r == 7) {
        ++completed;
      } else if (!r && r.error().code() == StatusCode::kUnavailable &&
                 r.error().message().find("busy or stuck") != std::string::npos) {
        std::lock_guard lock(refusal_mu);
        refusal = r.error().message();
        ++refused;
      } else {
        ++other;
      }
    });
  }
  // Every thread of the pool holds a stuck call, and the callers beyond pool + queue were refused.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  for (;;) {
    bool settled = false;
    {
      std::lock_guard lock(latch->mu);
      settled = latch->running == static_cast<int>(CephConnection::kCallThreads) && refused.load() == extra;
    }
    if (settled || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(refused.load(), extra) << "callers beyond " << admitted << " must be refused at once";
  EXPECT_EQ(completed.load(), 0u) << "a call returned while every call was stuck";
  {
    std::lock_guard lock(latch->mu);
    latch->open = true;
  }
  latch->cv.notify_all();
  for (auto& t : callers) t.join();
  EXPECT_EQ(completed.load(), admitted) << "every admitted call completes once the cluster answers";
  EXPECT_EQ(other.load(), 0u);
  EXPECT_EQ(latch->most, static_cast<int>(CephConnection::kCallThreads)) << "the pool grew past its threads";
  EXPECT_NE(refusal.find("cephfs:///"), std::string::npos) << refusal;
}

}  // namespace
}  // namespace shoal::ufs::testing
