#include "stubs/worker_registry_client.h"

#include <grpcpp/grpcpp.h>

#include "stubs/master_connection.h"
#include "worker.grpc.pb.h"

namespace shoal::stubs {

struct WorkerRegistryClient::Impl {
  std::unique_ptr<MasterConnection> conn;

  template <typename Req, typename Resp>
  Status call(grpc::Status (proto::WorkerRegistry::Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
              const Req& req, Resp* resp) {
    return conn->call([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext& ctx) {
      proto::WorkerRegistry::Stub stub(channel);
      resp->Clear();
      return (stub.*method)(&ctx, req, resp);
    });
  }
};

WorkerRegistryClient::WorkerRegistryClient(const std::vector<std::string>& master_addresses, int64_t timeout_ms)
    : impl_(std::make_unique<Impl>()) {
  impl_->conn = std::make_unique<MasterConnection>(master_addresses, timeout_ms);
}

WorkerRegistryClient::~WorkerRegistryClient() = default;

Result<uint64_t> WorkerRegistryClient::registerWorker(const proto::WorkerInfo& info) {
  proto::RegisterWorkerRequest req;
  *req.mutable_info() = info;
  proto::RegisterWorkerResponse resp;
  Status st = impl_->call(&proto::WorkerRegistry::Stub::RegisterWorker, req, &resp);
  if (!st) return makeError(st);
  return resp.worker_id();
}

Result<proto::WorkerHeartbeatResponse> WorkerRegistryClient::heartbeat(uint64_t worker_id, const std::string& address,
                                                                      const std::vector<proto::TierUsage>& tiers,
                                                                      const proto::WorkerCounters& counters,
                                                                      uint64_t conf_version,
                                                                      const proto::HandoverProgress* handover) {
  proto::WorkerHeartbeatRequest req;
  if (handover) *req.mutable_handover() = *handover;
  req.set_conf_version(conf_version);
  *req.mutable_counters() = counters;
  req.set_worker_id(worker_id);
  req.set_address(address);
  for (const auto& t : tiers) *req.add_tiers() = t;
  proto::WorkerHeartbeatResponse resp;
  Status st = impl_->call(&proto::WorkerRegistry::Stub::WorkerHeartbeat, req, &resp);
  if (!st) return makeError(st);
  return resp;
}

Result<std::vector<proto::WorkerInfo>> WorkerRegistryClient::workers(bool include_lost, uint64_t* states_digest) {
  proto::GetWorkersRequest req;
  req.set_include_lost(include_lost);
  proto::GetWorkersResponse resp;
  Status st = impl_->call(&proto::WorkerRegistry::Stub::GetWorkers, req, &resp);
  if (!st) return makeError(st);
  if (states_digest) *states_digest = resp.worker_states_digest();
  return std::vector<proto::WorkerInfo>(resp.workers().begin(), resp.workers().end());
}

Result<proto::WorkerState> WorkerRegistryClient::setWorkerState(const std::string& address, proto::WorkerState state) {
  proto::SetWorkerStateRequest req;
  req.set_address(address);
  req.set_state(state);
  proto::SetWorkerStateResponse resp;
  Status st = impl_->call(&proto::WorkerRegistry::Stub::SetWorkerState, req, &resp);
  if (!st) return makeError(st);
  return resp.previous();
}

Result<std::vector<proto::HandoverFile>> WorkerRegistryClient::handoverFiles(const std::vector<uint64_t>& file_ids) {
  proto::HandoverFilesRequest req;
  for (uint64_t id : file_ids) req.add_file_ids(id);
  proto::HandoverFilesResponse resp;
  Status st = impl_->call(&proto::WorkerRegistry::Stub::GetHandoverFiles, req, &resp);
  if (!st) return makeError(st);
  return std::vector<proto::HandoverFile>(resp.files().begin(), resp.files().end());
}

Result<proto::GetWorkersResponse> WorkerRegistryClient::clusterSums() {
  proto::GetWorkersRequest req;
  proto::GetWorkersResponse resp;
  Status st = impl_->call(&proto::WorkerRegistry::Stub::GetWorkers, req, &resp);
  if (!st) return makeError(st);
  resp.clear_workers();
  return resp;
}

Result<proto::ClientHeartbeatResponse> WorkerRegistryClient::clientHeartbeat(const proto::ClientHeartbeatRequest& req) {
  proto::ClientHeartbeatResponse resp;
  Status st = impl_->call(&proto::WorkerRegistry::Stub::ClientHeartbeat, req, &resp);
  if (!st) return makeError(st);
  return resp;
}

}  // namespace shoal::stubs
