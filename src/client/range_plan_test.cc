#include "client/range_plan.h"

#include <gtest/gtest.h>
#include <map>
#include <random>
#include <set>

namespace shoal::client {
namespace {

constexpr uint64_t kPage = 1000;

stubs::WorkerRing ring(int n) {
  std::vector<stubs::WorkerEndpoint> ws;
  for (int i = 0; i < n; ++i) ws.push_back({"10.0.0." + std::to_string(i) + ":1", "10.0.0." + std::to_string(i), "", ""});
  return stubs::WorkerRing(std::move(ws));
}

auto none = [](const stubs::WorkerEndpoint&) { return false; };

// Replays the plan on a fake file whose byte i is (i % 251): every range must come out whole,
// each piece read only from its own batch's reply, from pages its batch's worker owns.
void expectPlanDelivers(const stubs::WorkerRing& r, const std::vector<std::pair<uint64_t, uint64_t>>& ranges,
                        const RangePlan& plan, const PlanLimits& limits) {
  std::vector<std::string> out(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) out[i].assign(ranges[i].second - ranges[i].first, '?');
  for (const PlannedBatch& b : plan.batches) {
    ASSERT_LE(b.extents.size(), limits.max_extents);
    ASSERT_LE(b.bytes, limits.max_bytes);
    std::string reply;
    uint64_t prev_end = 0;
    for (auto [off, len] : b.extents) {
      ASSERT_GT(len, 0u);
      ASSERT_GE(off, prev_end) << "extents in order, not overlapping";
      prev_end = off + len;
      for (uint64_t i = off; i < off + len; ++i) {
        ASSERT_EQ(r.owner(1, i / kPage), b.worker) << "byte " << i << " asked of a worker that does not own it";
        reply += static_cast<char>(i % 251);
      }
    }
    ASSERT_EQ(reply.size(), b.bytes);
    for (const PlannedPiece& p : b.pieces) {
      ASSERT_LE(p.scratch + p.length, reply.size());
      out[p.range].replace(p.offset - ranges[p.range].first, p.length, reply, p.scratch, p.length);
    }
  }
  for (const PlannedPiece& p : plan.single) {
    for (uint64_t i = 0; i < p.length; ++i) out[p.range][p.offset - ranges[p.range].first + i] = static_cast<char>((p.offset + i) % 251);
  }
  for (size_t i = 0; i < ranges.size(); ++i) {
    for (uint64_t j = 0; j < out[i].size(); ++j) {
      ASSERT_EQ(out[i][j], static_cast<char>((ranges[i].first + j) % 251)) << "range " << i << " byte " << j;
    }
  }
}

TEST(RangePlan, ManyRandomRangesBecomeOneRequestPerWorker) {
  auto r = ring(3);
  std::mt19937_64 rng(7);
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (int i = 0; i < 1000; ++i) {
    uint64_t start = rng() % 1'000'000;
    ranges.emplace_back(start, start + 1 + rng() % 3000);
  }
  PlanLimits limits;
  RangePlan plan = planRanges(r, 1, kPage, ranges, limits, none);
  std::set<const stubs::WorkerEndpoint*> workers;
  for (const auto& b : plan.batches) workers.insert(b.worker);
  EXPECT_EQ(plan.batches.size(), workers.size());
  EXPECT_EQ(workers.size(), 3u);
  EXPECT_TRUE(plan.single.empty());
  expectPlanDelivers(r, ranges, plan, limits);
}

TEST(RangePlan, OverlappingAndTouchingRangesAreReadOnce) {
  auto r = ring(1);
  std::vector<std::pair<uint64_t, uint64_t>> ranges{{100, 200}, {150, 180}, {200, 300}, {120, 250}, {5000, 5001}};
  PlanLimits limits;
  RangePlan plan = planRanges(r, 1, kPage, ranges, limits, none);
  ASSERT_EQ(plan.batches.size(), 1u);
  ASSERT_EQ(plan.batches[0].extents.size(), 2u);
  EXPECT_EQ(plan.batches[0].extents[0], std::make_pair(uint64_t{100}, uint64_t{200}));
  EXPECT_EQ(plan.batches[0].bytes, 201u);
  expectPlanDelivers(r, ranges, plan, limits);
}

TEST(RangePlan, LimitsSplitRequestsAndLargeRanges) {
  auto r = ring(2);
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (uint64_t i = 0; i < 300; ++i) ranges.emplace_back(i * 3000, i * 3000 + 10);
  ranges.emplace_back(2'000'000, 2'100'000);  // larger than one request may carry
  PlanLimits limits{.max_extents = 16, .max_bytes = 4096};
  RangePlan plan = planRanges(r, 1, kPage, ranges, limits, none);
  EXPECT_GT(plan.batches.size(), 300u / 16);
  expectPlanDelivers(r, ranges, plan, limits);
}

TEST(RangePlan, PiecesOfWorkersReadOnTheirOwnAreLeftOutOfBatches) {
  auto r = ring(2);
  const stubs::WorkerEndpoint* local = &r.workers()[0];
  std::vector<std::pair<uint64_t, uint64_t>> ranges{{0, 50'000}, {70'000, 70'001}};
  PlanLimits limits;
  RangePlan plan = planRanges(r, 1, kPage, ranges, limits,
                              [&](const stubs::WorkerEndpoint& w) { return &w == local; });
  ASSERT_FALSE(plan.single.empty());
  for (const auto& p : plan.single) EXPECT_EQ(r.owner(1, p.offset / kPage), local);
  for (const auto& b : plan.batches) EXPECT_NE(b.worker, local);
  expectPlanDelivers(r, ranges, plan, limits);
}

TEST(RangePlan, EmptyRangesPlanNothing) {
  auto r = ring(2);
  std::vector<std::pair<uint64_t, uint64_t>> ranges{{10, 10}, {0, 0}};
  RangePlan plan = planRanges(r, 1, kPage, ranges, PlanLimits{}, none);
  EXPECT_TRUE(plan.batches.empty());
  EXPECT_TRUE(plan.single.empty());
}

}  // namespace
}  // namespace shoal::client
