// Placement without the master: consistent hashing of (file id, page index) over the live
// workers, with virtual nodes. Every client that sees the same worker set picks the same worker
// for a page, so that worker reads the page from the store once; when a worker leaves, only the
// pages it owned move. Workers being decommissioned own nothing: they are kept aside, as the
// holders of last resort of pages not yet handed over. Immutable after construction; safe to share
// between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "worker.pb.h"

namespace shoal::stubs {

struct WorkerEndpoint {
  std::string address;  // "host:port", the worker's identity on the ring
  std::string host;     // for "is this worker on my host" (short-circuit)
  std::string domain_socket;  // its Unix socket for short-circuit reads, "" when it offers none
  std::string data_address;   // "host:port" of its TCP data port, "" when it offers none
};

class WorkerRing {
 public:
  explicit WorkerRing(std::vector<WorkerEndpoint> workers, int virtual_nodes = 160,
                      std::vector<WorkerEndpoint> draining = {});
  // The ring of the master's worker list: its live ACTIVE workers own pages; its live
  // DECOMMISSIONING ones are draining(); DECOMMISSIONED and lost ones are left out.
  static WorkerRing of(const std::vector<proto::WorkerInfo>& workers);

  // Up to `n` distinct workers for the page, in preference order: the owner first, then the
  // workers to retry on.
  std::vector<const WorkerEndpoint*> candidates(uint64_t file_id, uint64_t page_index, size_t n) const;
  const WorkerEndpoint* owner(uint64_t file_id, uint64_t page_index) const;
  size_t size() const { return workers_.size(); }
  const std::vector<WorkerEndpoint>& workers() const { return workers_; }
  // Live workers being decommissioned: they still hold pages they have not handed over yet.
  const std::vector<WorkerEndpoint>& draining() const { return draining_; }

 private:
  std::vector<WorkerEndpoint> workers_;
  std::vector<WorkerEndpoint> draining_;
  std::vector<std::pair<uint64_t, uint32_t>> ring_;  // (point, worker index), sorted by point
};

}  // namespace shoal::stubs
