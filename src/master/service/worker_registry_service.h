// WorkerRegistry over gRPC, hosted by the master: translation only, on the leader (LeaderGate).
// Thread-safe.
#pragma once

#include "master/fs/file_system_master.h"
#include "master/service/leader_gate.h"
#include "master/workers/client_registry.h"
#include "master/workers/worker_admin.h"
#include "master/workers/worker_registry.h"
#include "worker.grpc.pb.h"

namespace shoal::master {

class WorkerRegistryServiceImpl final : public proto::WorkerRegistry::Service {
 public:
  WorkerRegistryServiceImpl(WorkerRegistry& registry, ClientRegistry& clients, const FileSystemMaster& fs,
                            WorkerAdmin& admin, const Journal& journal)
      : registry_(registry), clients_(clients), fs_(fs), admin_(admin), gate_(journal) {}

  grpc::Status RegisterWorker(grpc::ServerContext*, const proto::RegisterWorkerRequest*,
                              proto::RegisterWorkerResponse*) override;
  grpc::Status WorkerHeartbeat(grpc::ServerContext*, const proto::WorkerHeartbeatRequest*,
                               proto::WorkerHeartbeatResponse*) override;
  grpc::Status GetWorkers(grpc::ServerContext*, const proto::GetWorkersRequest*, proto::GetWorkersResponse*) override;
  grpc::Status ClientHeartbeat(grpc::ServerContext*, const proto::ClientHeartbeatRequest*,
                               proto::ClientHeartbeatResponse*) override;
  grpc::Status SetWorkerState(grpc::ServerContext*, const proto::SetWorkerStateRequest*,
                              proto::SetWorkerStateResponse*) override;
  grpc::Status GetHandoverFiles(grpc::ServerContext*, const proto::HandoverFilesRequest*,
                                proto::HandoverFilesResponse*) override;

 private:
  WorkerRegistry& registry_;
  ClientRegistry& clients_;
  const FileSystemMaster& fs_;
  WorkerAdmin& admin_;
  LeaderGate gate_;
};

}  // namespace shoal::master
