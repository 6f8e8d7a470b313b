// How a batched range read is split over the workers: every range is cut where the owning worker
// changes, the pieces of each worker are sorted and coalesced (overlapping or touching pieces read
// once), and each worker's extents are packed into as few requests as the limits allow. Each
// request is one round trip, whatever the number of ranges. Pure function.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "stubs/worker_ring.h"

namespace shoal::client {

// A piece of caller range `range`: `length` bytes at file `offset`, found at `scratch` in its
// request's reply (the reply holds the request's extents back to back).
struct PlannedPiece {
  size_t range = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t scratch = 0;
};

// One request to one worker: its extents (offset, length), in order, not overlapping.
struct PlannedBatch {
  const stubs::WorkerEndpoint* worker = nullptr;
  std::vector<std::pair<uint64_t, uint64_t>> extents;
  std::vector<PlannedPiece> pieces;
  uint64_t bytes = 0;  // the reply's length: the extents' sum
};

struct RangePlan {
  std::vector<PlannedBatch> batches;
  // Pieces read one at a time instead (owner on this host, read from its page files; no owner).
  std::vector<PlannedPiece> single;
};

struct PlanLimits {
  size_t max_extents = 1024;          // per request (the worker refuses more than 4096)
  uint64_t max_bytes = 16ull << 20;   // per request: bounds the reply buffer
};

// `ranges` are [start, end) within the file. Pieces whose owner `read_single` accepts (or with no
// owner) go to RangePlan::single.
RangePlan planRanges(const stubs::WorkerRing& ring, uint64_t file_id, uint64_t page_size,
                     std::span<const std::pair<uint64_t, uint64_t>> ranges, const PlanLimits& limits,
                     const std::function<bool(const stubs::WorkerEndpoint&)>& read_single);

}  // namespace shoal::client
