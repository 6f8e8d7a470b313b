#include "client/cache_control.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <grpcpp/grpcpp.h>

#include "client/context.h"
#include "rpc/status_convert.h"
#include "worker.grpc.pb.h"

namespace shoal::client {
namespace {

using PagesCall = std::function<grpc::Status(proto::WorkerService::Stub&, grpc::ClientContext&,
                                             const proto::FilePagesRequest&, proto::FilePagesResponse*)>;

// Calls `method` on every live worker, in the registry's order; stops at the first failure.
Result<std::vector<WorkerPages>> onEveryWorker(Context& ctx, uint64_t file_id, const PagesCall& method) {
  WorkerPool& pool = ctx.workers();
  auto workers = pool.registry().workers(/*include_lost=*/false);
  if (!workers) return makeError(workers.error());
  std::vector<WorkerPages> out;
  for (const auto& w : *workers) {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(pool.timeoutMs()));
    proto::FilePagesRequest req;
    req.set_file_id(file_id);
    proto::FilePagesResponse resp;
    Status st = rpc::fromGrpc(method(pool.stub(w.address()), c, req, &resp), "worker at " + w.address());
    if (!st) return makeError(st);
    WorkerPages held{w.address(), {resp.pages().begin(), resp.pages().end()}};
    std::sort(held.pages.begin(), held.pages.end());
    out.push_back(std::move(held));
  }
  return out;
}

}  // namespace

Result<std::vector<WorkerPages>> cachedPages(Context& ctx, uint64_t file_id) {
  return onEveryWorker(ctx, file_id, [](auto& stub, auto& c, const auto& req, auto* resp) {
    return stub.ListFilePages(&c, req, resp);
  });
}

Result<uint64_t> freeFile(Context& ctx, const proto::FileInfo& file) {
  if (file.is_dir()) return makeError(Status(StatusCode::kIsADirectory, file.path() + ": is a directory"));
  if (!file.persisted() && file.size() > 0) {
    return makeError(Status(StatusCode::kFailedPrecondition,
                            file.path() + ": has no store copy (written MUST_CACHE); freeing would lose it"));
  }
  auto dropped = onEveryWorker(ctx, file.id(), [](auto& stub, auto& c, const auto& req, auto* resp) {
    return stub.FreeFile(&c, req, resp);
  });
  if (!dropped) return makeError(dropped.error());
  uint64_t n = 0;
  for (const auto& w : *dropped) n += w.pages.size();
  return n;
}

}  // namespace shoal::client
