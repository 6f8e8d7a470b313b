// WorkerRegistry over gRPC, hosted by the master: translation only. Thread-safe.
#pragma once

#include "master/workers/worker_registry.h"
#include "worker.grpc.pb.h"

namespace shoal::master {

class WorkerRegistryServiceImpl final : public proto::WorkerRegistry::Service {
 public:
  explicit WorkerRegistryServiceImpl(WorkerRegistry& registry) : registry_(registry) {}

  grpc::Status RegisterWorker(grpc::ServerContext*, const proto::RegisterWorkerRequest*,
                              proto::RegisterWorkerResponse*) override;
  grpc::Status WorkerHeartbeat(grpc::ServerContext*, const proto::WorkerHeartbeatRequest*,
                               proto::WorkerHeartbeatResponse*) override;
  grpc::Status GetWorkers(grpc::ServerContext*, const proto::GetWorkersRequest*, proto::GetWorkersResponse*) override;

 private:
  WorkerRegistry& registry_;
};

}  // namespace shoal::master
