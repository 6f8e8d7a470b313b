#include "master/service/worker_registry_service.h"

#include "rpc/identity.h"
#include "rpc/status_convert.h"


namespace shoal::master {

grpc::Status WorkerRegistryServiceImpl::RegisterWorker(grpc::ServerContext* ctx, const proto::RegisterWorkerRequest* req,
                                                       proto::RegisterWorkerResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  const std::string& addr = req->info().address();
  size_t colon = addr.rfind(':');
  if (addr.empty() || colon == std::string::npos || colon == 0 || colon + 1 == addr.size()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "RegisterWorker: address '" + addr + "' is not host:port");
  }
  resp->set_worker_id(registry_.registerWorker(req->info(), nowMs()));
  return grpc::Status::OK;
}

grpc::Status WorkerRegistryServiceImpl::WorkerHeartbeat(grpc::ServerContext* ctx, const proto::WorkerHeartbeatRequest* req,
                                                        proto::WorkerHeartbeatResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  std::vector<proto::TierUsage> tiers(req->tiers().begin(), req->tiers().end());
  bool known = registry_.heartbeat(req->worker_id(), req->address(), tiers, nowMs(), req->counters(),
                                   req->conf_version(), req->handover());
  resp->set_reregister(!known);
  if (known) resp->set_state(admin_.onHeartbeat(req->address(), req->handover()));
  for (uint64_t id : fs_.pinnedFiles()) resp->add_pinned_file_ids(id);
  resp->set_mount_table_version(fs_.mountTableVersion());
  resp->set_conf_version(fs_.confVersion());
  return grpc::Status::OK;
}

grpc::Status WorkerRegistryServiceImpl::GetWorkers(grpc::ServerContext* ctx, const proto::GetWorkersRequest* req,
                                                   proto::GetWorkersResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  auto states = admin_.states();
  for (auto& w : registry_.workers(req->include_lost(), nowMs())) {
    if (auto it = states.find(w.address()); it != states.end()) w.set_state(it->second.state());
    *resp->add_workers() = std::move(w);
  }
  *resp->mutable_cluster_counters() = registry_.counterTotals();
  *resp->mutable_client_counters() = clients_.counterTotals();
  resp->set_live_clients(clients_.counts(nowMs()).live);
  resp->set_worker_states_digest(fs_.workerStatesDigest());
  return grpc::Status::OK;
}

grpc::Status WorkerRegistryServiceImpl::ClientHeartbeat(grpc::ServerContext* ctx, const proto::ClientHeartbeatRequest* req,
                                                        proto::ClientHeartbeatResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  resp->set_conf_version(fs_.confVersion());
  return rpc::toGrpc(clients_.heartbeat(*req, nowMs()));
}

grpc::Status WorkerRegistryServiceImpl::SetWorkerState(grpc::ServerContext* ctx, const proto::SetWorkerStateRequest* req,
                                                       proto::SetWorkerStateResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  rpc::Identity id = rpc::identityFrom(*ctx);
  auto before = admin_.setState(req->address(), req->state(), CallerIdentity{id.user, id.group});
  if (!before) return rpc::toGrpc(before.error());
  resp->set_previous(*before);
  return grpc::Status::OK;
}

grpc::Status WorkerRegistryServiceImpl::GetHandoverFiles(grpc::ServerContext* ctx, const proto::HandoverFilesRequest* req,
                                                         proto::HandoverFilesResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  auto files = admin_.handoverFiles({req->file_ids().begin(), req->file_ids().end()});
  if (!files) return rpc::toGrpc(files.error());
  for (auto& f : *files) *resp->add_files() = std::move(f);
  return grpc::Status::OK;
}

}  // namespace shoal::master
