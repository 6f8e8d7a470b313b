#include "stubs/worker_ring.h"

#include <gtest/gtest.h>
#include <map>
#include <set>

namespace shoal::stubs {
namespace {

std::vector<WorkerEndpoint> workers(std::initializer_list<int> ports) {
  std::vector<WorkerEndpoint> out;
  for (int p : ports) out.push_back({"127.0.0.1:" + std::to_string(p), "127.0.0.1", "", ""});
  return out;
}

TEST(WorkerRing, EveryClientPicksTheSameOwnerWhateverTheListOrder) {
  WorkerRing a(workers({29999, 30001, 30003}));
  WorkerRing b(workers({30003, 29999, 30001}));
  for (uint64_t f = 1; f < 200; ++f) {
    for (uint64_t p = 0; p < 20; ++p) EXPECT_EQ(a.owner(f, p)->address, b.owner(f, p)->address);
  }
}

TEST(WorkerRing, SpreadsPagesRoughlyEvenly) {
  WorkerRing ring(workers({1, 2, 3}));
  std::map<std::string, int> count;
  for (uint64_t f = 0; f < 3000; ++f) {
    for (uint64_t p = 0; p < 10; ++p) ++count[ring.owner(f, p)->address];
  }
  ASSERT_EQ(count.size(), 3u);
  for (const auto& [addr, n] : count) {
    EXPECT_GT(n, 30000 / 3 * 0.75) << addr;
    EXPECT_LT(n, 30000 / 3 * 1.25) << addr;
  }
}

TEST(WorkerRing, OnlyTheLeavingWorkersPagesMove) {
  WorkerRing before(workers({1, 2, 3, 4}));
  WorkerRing after(workers({1, 2, 4}));
  int moved = 0;
  for (uint64_t f = 0; f < 2000; ++f) {
    std::string was = before.owner(f, 0)->address;
    std::string now = after.owner(f, 0)->address;
    if (was != "127.0.0.1:3") {
      EXPECT_EQ(was, now) << "a page whose owner stayed must not move";
    } else {
      ++moved;
    }
  }
  EXPECT_GT(moved, 0);
}

TEST(WorkerRing, CandidatesAreDistinctAndStartWithTheOwner) {
  WorkerRing ring(workers({1, 2, 3}));
  for (uint64_t f = 0; f < 100; ++f) {
    auto c = ring.candidates(f, 3, 5);
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(c[0], ring.owner(f, 3));
    std::set<std::string> distinct;
    for (auto* w : c) distinct.insert(w->address);
    EXPECT_EQ(distinct.size(), 3u);
  }
  WorkerRing empty({});
  EXPECT_EQ(empty.owner(1, 1), nullptr);
  EXPECT_TRUE(empty.candidates(1, 1, 3).empty());
}

}  // namespace
}  // namespace shoal::stubs
