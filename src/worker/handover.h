// A decommissioned worker's last job: hand the pages that would be lost with it (pinned files', and
// those of files with no store copy) to the workers that own them now, placed by the clients' own
// ring, so that it can be stopped with nothing lost. The master says when (the heartbeat reply's
// state); this says how far it got (the next heartbeat's progress). Passes repeat until one finds
// nothing left to copy while no write is under way (new writes are refused from the start).
// Thread-safe: one thread of its own while decommissioning.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

#include "stubs/worker_registry_client.h"
#include "worker/page_ingest.h"
#include "worker/pagestore/page_store.h"

namespace shoal::worker {

class Handover {
 public:
  Handover(PageStore& store, PageIngest& ingest, stubs::WorkerRegistryClient& registry, uint64_t page_size)
      : store_(store), ingest_(ingest), registry_(registry), page_size_(page_size) {}
  ~Handover() { stopThread(); }

  // The master's word on this worker, from every heartbeat reply.
  void noteState(proto::WorkerState state);
  proto::HandoverProgress progress() const;

 private:
  void run();
  // One pass over the cache; true when it left nothing behind and no write was under way.
  bool pass();
  void stopThread();

  PageStore& store_;
  PageIngest& ingest_;
  stubs::WorkerRegistryClient& registry_;
  const uint64_t page_size_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  proto::WorkerState state_ = proto::WORKER_ACTIVE;       // guarded by mu_
  bool stopping_ = false;                                  // guarded by mu_
  proto::HandoverProgress progress_;                       // guarded by mu_
  std::unordered_set<PageKey, PageKeyHash> copied_;        // the run thread's own
  std::thread thread_;
};

}  // namespace shoal::worker
