#include "client/range_plan.h"

#include <algorithm>
#include <map>

namespace shoal::client {

RangePlan planRanges(const stubs::WorkerRing& ring, uint64_t file_id, uint64_t page_size,
                     std::span<const std::pair<uint64_t, uint64_t>> ranges, const PlanLimits& limits,
                     const std::function<bool(const stubs::WorkerEndpoint&)>& read_single) {
  RangePlan plan;
  const uint64_t max_piece = std::max<uint64_t>(limits.max_bytes, 1);
  // Cut every range where the owner changes (and at max_bytes, so a piece fits in one request).
  std::map<const stubs::WorkerEndpoint*, std::vector<PlannedPiece>> by_worker;
  for (size_t i = 0; i < ranges.size(); ++i) {
    auto [start, end] = ranges[i];
    for (uint64_t pos = start; pos < end;) {
      const stubs::WorkerEndpoint* owner = ring.owner(file_id, pos / page_size);
      uint64_t run_end = std::min(end, (pos / page_size + 1) * page_size);
      while (run_end < end && run_end - pos < max_piece && ring.owner(file_id, run_end / page_size) == owner) {
        run_end = std::min(end, run_end + page_size);
      }
      run_end = std::min(run_end, pos + max_piece);
      PlannedPiece piece{i, pos, run_end - pos, 0};
      if (!owner || read_single(*owner)) plan.single.push_back(piece);
      else by_worker[owner].push_back(piece);
      pos = run_end;
    }
  }
  for (auto& [worker, pieces] : by_worker) {
    std::sort(pieces.begin(), pieces.end(), [](const PlannedPiece& a, const PlannedPiece& b) {
      return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
    });
    PlannedBatch* batch = nullptr;
    for (PlannedPiece& p : pieces) {
      uint64_t p_end = p.offset + p.length;
      if (batch && !batch->extents.empty()) {
        auto& [e_off, e_len] = batch->extents.back();
        uint64_t e_end = e_off + e_len;
        uint64_t grow = p_end > e_end ? p_end - e_end : 0;
        // Overlapping or touching the last extent: read once, as part of it.
        if (p.offset <= e_end && batch->bytes + grow <= limits.max_bytes) {
          p.scratch = batch->bytes - e_len + (p.offset - e_off);
          e_len += grow;
          batch->bytes += grow;
          batch->pieces.push_back(p);
          continue;
        }
      }
      if (!batch || batch->extents.size() >= limits.max_extents || batch->bytes + p.length > limits.max_bytes) {
        batch = &plan.batches.emplace_back();
        batch->worker = worker;
      }
      p.scratch = batch->bytes;
      batch->extents.emplace_back(p.offset, p.length);
      batch->bytes += p.length;
      batch->pieces.push_back(p);
    }
  }
  return plan;
}

}  // namespace shoal::client
