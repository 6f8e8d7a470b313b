#include "master/workers/worker_registry.h"

#include <gtest/gtest.h>

#include "master/workers/client_registry.h"
#include "master/workers/cluster_history.h"

namespace shoal::master {
namespace {

proto::WorkerCounters counters(uint64_t hits, uint64_t store_bytes, uint64_t data_mount_bytes) {
  proto::WorkerCounters c;
  c.set_cache_hits(hits);
  c.set_store_read_bytes(store_bytes);
  (*c.mutable_store_read_bytes_by_mount())["/data"] = data_mount_bytes;
  return c;
}

proto::WorkerInfo worker(const std::string& address) {
  proto::WorkerInfo w;
  w.set_address(address);
  return w;
}

TEST(WorkerRegistryTest, ClusterSumsGrowWithHeartbeatsAndNeverGoDownWhenAWorkerRestarts) {
  WorkerRegistry r(10'000);
  uint64_t a = r.registerWorker(worker("a:1"), 0);
  uint64_t b = r.registerWorker(worker("b:1"), 0);
  ASSERT_TRUE(r.heartbeat(a, "a:1", {}, 1, counters(10, 100, 100)));
  ASSERT_TRUE(r.heartbeat(b, "b:1", {}, 1, counters(5, 50, 20)));
  ASSERT_TRUE(r.heartbeat(a, "a:1", {}, 2, counters(12, 150, 150)));
  auto t = r.counterTotals();
  EXPECT_EQ(t.cache_hits(), 17u);
  EXPECT_EQ(t.store_read_bytes(), 200u);
  EXPECT_EQ(t.store_read_bytes_by_mount().at("/data"), 170u);

  // Worker a restarts: it registers again and reports from zero. What it counted before stays.
  EXPECT_EQ(r.registerWorker(worker("a:1"), 3), a);
  ASSERT_TRUE(r.heartbeat(a, "a:1", {}, 4, counters(3, 30, 30)));
  t = r.counterTotals();
  EXPECT_EQ(t.cache_hits(), 20u);
  EXPECT_EQ(t.store_read_bytes(), 230u);
  EXPECT_EQ(t.store_read_bytes_by_mount().at("/data"), 200u);

  // A worker that stops heartbeating is lost, and its counts stay in the sums.
  auto c = r.counts(20'000);
  EXPECT_EQ(c.live, 0u);
  EXPECT_EQ(c.lost, 2u);
  EXPECT_EQ(r.counterTotals().cache_hits(), 20u);
}

TEST(WorkerRegistryTest, TierTotalsCountLiveWorkersOnly) {
  WorkerRegistry r(1000);
  uint64_t a = r.registerWorker(worker("a:1"), 0);
  uint64_t b = r.registerWorker(worker("b:1"), 0);
  proto::TierUsage mem;
  mem.set_name("MEM");
  mem.set_capacity(100);
  mem.set_used(40);
  ASSERT_TRUE(r.heartbeat(a, "a:1", {mem}, 500));
  ASSERT_TRUE(r.heartbeat(b, "b:1", {mem}, 1200));
  auto t = r.tierTotals(1200);  // a's last heartbeat is 700 ms old: live; at 1600 it is lost
  EXPECT_EQ(t["MEM"].capacity, 200u);
  t = r.tierTotals(1600);
  EXPECT_EQ(t["MEM"].capacity, 100u);
  EXPECT_EQ(t["MEM"].used, 40u);
}

TEST(ClientRegistryTest, SumsClientCountersAndRefusesAHeartbeatWithoutAnId) {
  ClientRegistry r(1000);
  proto::ClientHeartbeatRequest req;
  req.set_client_id("host-1-abc");
  req.set_kind("fuse");
  req.mutable_counters()->set_short_circuit_bytes(100);
  ASSERT_TRUE(r.heartbeat(req, 0));
  req.mutable_counters()->set_short_circuit_bytes(250);
  ASSERT_TRUE(r.heartbeat(req, 100));
  proto::ClientHeartbeatRequest other = req;
  other.set_client_id("host-2-def");
  other.mutable_counters()->set_short_circuit_bytes(50);
  ASSERT_TRUE(r.heartbeat(other, 100));
  EXPECT_EQ(r.counterTotals().short_circuit_bytes(), 300u);
  EXPECT_EQ(r.counts(500).live, 2u);
  EXPECT_EQ(r.counts(5000).lost, 2u);
  proto::ClientHeartbeatRequest anonymous;
  Status st = r.heartbeat(anonymous, 0);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("client id"), std::string::npos);
}

TEST(ClusterHistoryTest, KeepsTheNewestSamplesUpToItsCapacity) {
  ClusterHistory h(3);
  for (int64_t t = 1; t <= 5; ++t) {
    ClusterSample s;
    s.time_ms = t;
    h.record(s);
  }
  auto s = h.samples();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.front().time_ms, 3);
  EXPECT_EQ(s.back().time_ms, 5);
}

}  // namespace
}  // namespace shoal::master
