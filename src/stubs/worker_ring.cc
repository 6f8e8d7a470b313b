#include "stubs/worker_ring.h"

#include <algorithm>
#include <xxhash.h>

namespace shoal::stubs {

WorkerRing WorkerRing::of(const std::vector<proto::WorkerInfo>& workers) {
  std::vector<WorkerEndpoint> owners, draining;
  for (const auto& w : workers) {
    if (!w.live() || w.state() == proto::WORKER_DECOMMISSIONED) continue;
    std::string data = w.data_port() == 0 ? "" : w.host() + ":" + std::to_string(w.data_port());
    WorkerEndpoint ep{w.address(), w.host(), w.domain_socket(), data};
    (w.state() == proto::WORKER_ACTIVE ? owners : draining).push_back(std::move(ep));
  }
  return WorkerRing(std::move(owners), 160, std::move(draining));
}

WorkerRing::WorkerRing(std::vector<WorkerEndpoint> workers, int virtual_nodes, std::vector<WorkerEndpoint> draining)
    : workers_(std::move(workers)), draining_(std::move(draining)) {
  // Points depend only on each worker's address, never on list order.
  for (uint32_t w = 0; w < workers_.size(); ++w) {
    const std::string& addr = workers_[w].address;
    for (int v = 0; v < virtual_nodes; ++v) {
      uint64_t point = XXH3_64bits_withSeed(addr.data(), addr.size(), static_cast<uint64_t>(v));
      ring_.emplace_back(point, w);
    }
  }
  // Ties (astronomically rare) resolve by address so every client agrees.
  std::sort(ring_.begin(), ring_.end(), [this](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : workers_[a.second].address < workers_[b.second].address;
  });
}

std::vector<const WorkerEndpoint*> WorkerRing::candidates(uint64_t file_id, uint64_t page_index, size_t n) const {
  std::vector<const WorkerEndpoint*> out;
  if (ring_.empty()) return out;
  uint64_t key[2] = {file_id, page_index};
  uint64_t h = XXH3_64bits(key, sizeof(key));
  auto it = std::lower_bound(ring_.begin(), ring_.end(), std::make_pair(h, 0u),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
  n = std::min(n, workers_.size());
  std::vector<bool> taken(workers_.size(), false);
  for (size_t steps = 0; out.size() < n && steps < ring_.size(); ++steps, ++it) {
    if (it == ring_.end()) it = ring_.begin();
    if (!taken[it->second]) {
      taken[it->second] = true;
      out.push_back(&workers_[it->second]);
    }
  }
  return out;
}

const WorkerEndpoint* WorkerRing::owner(uint64_t file_id, uint64_t page_index) const {
  auto c = candidates(file_id, page_index, 1);
  return c.empty() ? nullptr : c.front();
}

}  // namespace shoal::stubs
