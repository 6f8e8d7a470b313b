#include "client/prefetcher.h"

#include <grpcpp/grpcpp.h>

#include "stubs/read_request.h"
#include "rpc/status_convert.h"

namespace shoal::client {

namespace {
constexpr size_t kMaxQueued = 256;
}  // namespace

Prefetcher::Prefetcher(WorkerPool& workers, uint64_t page_size, int threads)
    : workers_(workers), page_size_(page_size) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

Prefetcher::~Prefetcher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void Prefetcher::submit(const proto::FileInfo& file, uint64_t offset, uint64_t length) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueued || threads_.empty()) return;
    queue_.push_back(Task{file, offset, length});
  }
  cv_.notify_one();
}

void Prefetcher::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Task t = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    (void)load(t.file, t.offset, t.length);  // best effort: the read that needs it will miss
    lock.lock();
  }
}

Status Prefetcher::load(const proto::FileInfo& file, uint64_t offset, uint64_t length) {
  uint64_t end = std::min(file.size(), offset + length);
  auto ring = workers_.ring();
  if (ring->size() == 0) return Status(StatusCode::kUnavailable, "no live workers to cache " + file.path());
  for (uint64_t pos = offset; pos < end;) {
    uint64_t page = pos / page_size_;
    const stubs::WorkerEndpoint* owner = ring->owner(file.id(), page);
    uint64_t run_end = std::min(end, (page + 1) * page_size_);
    while (run_end < end && ring->owner(file.id(), run_end / page_size_) == owner) {
      run_end = std::min(end, run_end + page_size_);
    }
    proto::ReadRequest req = stubs::readRequestFor(file, pos, run_end - pos);
    req.set_cache(true);
    req.set_prefetch(true);
    req.set_cache_only(!file.persisted());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(workers_.timeoutMs()));
    auto reader = workers_.stub(owner->address).ReadPages(&ctx, req);
    proto::ReadChunk ignored;
    while (reader->Read(&ignored)) {
    }
    grpc::Status gs = reader->Finish();
    if (!gs.ok()) {
      if (gs.error_details().empty()) workers_.markStale();
      return rpc::fromGrpc(gs, "worker at " + owner->address);
    }
    pos = run_end;
  }
  return Status::ok();
}

}  // namespace shoal::client
