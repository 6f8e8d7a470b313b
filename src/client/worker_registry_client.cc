#include "client/worker_registry_client.h"

#include <grpcpp/grpcpp.h>

#include "client/channel.h"
#include "rpc/status_convert.h"
#include "worker.grpc.pb.h"

namespace shoal::client {

struct WorkerRegistryClient::Impl {
  std::unique_ptr<proto::WorkerRegistry::Stub> stub;
  int64_t timeout_ms;
  std::string target;
  void prepare(grpc::ClientContext& ctx) const {
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  }
};

WorkerRegistryClient::WorkerRegistryClient(const std::string& master_address, int64_t timeout_ms)
    : impl_(std::make_unique<Impl>()) {
  impl_->stub = proto::WorkerRegistry::NewStub(makeChannel(master_address));
  impl_->timeout_ms = timeout_ms;
  impl_->target = "master at " + master_address;
}

WorkerRegistryClient::~WorkerRegistryClient() = default;

Result<uint64_t> WorkerRegistryClient::registerWorker(const proto::WorkerInfo& info) {
  grpc::ClientContext ctx;
  impl_->prepare(ctx);
  proto::RegisterWorkerRequest req;
  *req.mutable_info() = info;
  proto::RegisterWorkerResponse resp;
  Status st = rpc::fromGrpc(impl_->stub->RegisterWorker(&ctx, req, &resp), impl_->target);
  if (!st) return makeError(st);
  return resp.worker_id();
}

Result<proto::WorkerHeartbeatResponse> WorkerRegistryClient::heartbeat(uint64_t worker_id, const std::vector<proto::TierUsage>& tiers) {
  grpc::ClientContext ctx;
  impl_->prepare(ctx);
  proto::WorkerHeartbeatRequest req;
  req.set_worker_id(worker_id);
  for (const auto& t : tiers) *req.add_tiers() = t;
  proto::WorkerHeartbeatResponse resp;
  Status st = rpc::fromGrpc(impl_->stub->WorkerHeartbeat(&ctx, req, &resp), impl_->target);
  if (!st) return makeError(st);
  return resp;
}

Result<std::vector<proto::WorkerInfo>> WorkerRegistryClient::workers(bool include_lost) {
  grpc::ClientContext ctx;
  impl_->prepare(ctx);
  proto::GetWorkersRequest req;
  req.set_include_lost(include_lost);
  proto::GetWorkersResponse resp;
  Status st = rpc::fromGrpc(impl_->stub->GetWorkers(&ctx, req, &resp), impl_->target);
  if (!st) return makeError(st);
  return std::vector<proto::WorkerInfo>(resp.workers().begin(), resp.workers().end());
}

}  // namespace shoal::client
