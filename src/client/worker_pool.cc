#include "client/worker_pool.h"

#include <grpcpp/grpcpp.h>

#include "rpc/channel.h"

namespace shoal::client {

WorkerPool::WorkerPool(const Configuration& conf, const std::vector<std::string>& master_addresses)
    : registry_(master_addresses, conf.getDurationMs(keys::kUserRpcTimeout)),
      refresh_ms_(conf.getDurationMs(keys::kUserWorkerListRefreshInterval)),
      timeout_ms_(conf.getDurationMs(keys::kUserRpcTimeout)) {}

std::shared_ptr<const stubs::WorkerRing> WorkerPool::ring() {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    bool fresh = !stale_ && now - ring_time_ < std::chrono::milliseconds(refresh_ms_);
    if (ring_ && fresh) return ring_;
  }
  uint64_t digest = 0;
  auto workers = registry_.workers(/*include_lost=*/false, &digest);
  std::lock_guard lock(mu_);
  if (!workers) {
    if (!ring_) ring_ = std::make_shared<const stubs::WorkerRing>(std::vector<stubs::WorkerEndpoint>{});
    return ring_;
  }
  ring_ = std::make_shared<const stubs::WorkerRing>(stubs::WorkerRing::of(*workers));
  ring_time_ = now;
  stale_ = false;
  states_digest_ = digest;
  return ring_;
}

std::shared_ptr<const stubs::WorkerRing> WorkerPool::ringAt(uint64_t states_digest) {
  {
    std::lock_guard lock(mu_);
    if (ring_ && states_digest != states_digest_) stale_ = true;
  }
  return ring();
}

void WorkerPool::markStale() {
  std::lock_guard lock(mu_);
  stale_ = true;
}

proto::WorkerService::Stub& WorkerPool::stub(const std::string& address) {
  std::lock_guard lock(mu_);
  auto& s = stubs_[address];
  if (!s) s = proto::WorkerService::NewStub(rpc::makeChannel(address));
  return *s;
}

}  // namespace shoal::client
