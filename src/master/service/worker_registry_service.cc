#include "master/service/worker_registry_service.h"


namespace shoal::master {

grpc::Status WorkerRegistryServiceImpl::RegisterWorker(grpc::ServerContext*, const proto::RegisterWorkerRequest* req,
                                                       proto::RegisterWorkerResponse* resp) {
  const std::string& addr = req->info().address();
  size_t colon = addr.rfind(':');
  if (addr.empty() || colon == std::string::npos || colon == 0 || colon + 1 == addr.size()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "RegisterWorker: address '" + addr + "' is not host:port");
  }
  resp->set_worker_id(registry_.registerWorker(req->info(), nowMs()));
  return grpc::Status::OK;
}

grpc::Status WorkerRegistryServiceImpl::WorkerHeartbeat(grpc::ServerContext*, const proto::WorkerHeartbeatRequest* req,
                                                        proto::WorkerHeartbeatResponse* resp) {
  std::vector<proto::TierUsage> tiers(req->tiers().begin(), req->tiers().end());
  resp->set_reregister(!registry_.heartbeat(req->worker_id(), tiers, nowMs()));
  for (uint64_t id : fs_.pinnedFiles()) resp->add_pinned_file_ids(id);
  return grpc::Status::OK;
}

grpc::Status WorkerRegistryServiceImpl::GetWorkers(grpc::ServerContext*, const proto::GetWorkersRequest* req,
                                                   proto::GetWorkersResponse* resp) {
  for (auto& w : registry_.workers(req->include_lost(), nowMs())) *resp->add_workers() = std::move(w);
  return grpc::Status::OK;
}

}  // namespace shoal::master
