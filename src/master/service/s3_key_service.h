// S3KeyService over gRPC: the S3 gateways' access keys, journaled (add, remove), listed without
// their secrets, and a day's signing key for a gateway checking a signature. Served by the leader
// alone. Thread-safe.
#pragma once

#include "master.grpc.pb.h"
#include "master/journal/journal.h"
#include "master/journal/state_machine.h"
#include "master/service/leader_gate.h"

namespace shoal::master {

class S3KeyServiceImpl final : public proto::S3KeyService::Service {
 public:
  S3KeyServiceImpl(const StateMachine& sm, Journal& journal) : sm_(sm), journal_(journal), gate_(journal) {}

  grpc::Status AddS3Key(grpc::ServerContext*, const proto::AddS3KeyRequest*, proto::AddS3KeyResponse*) override;
  grpc::Status RemoveS3Key(grpc::ServerContext*, const proto::RemoveS3KeyRequest*,
                           proto::RemoveS3KeyResponse*) override;
  grpc::Status ListS3Keys(grpc::ServerContext*, const proto::ListS3KeysRequest*, proto::ListS3KeysResponse*) override;
  grpc::Status GetS3SigningKey(grpc::ServerContext*, const proto::GetS3SigningKeyRequest*,
                               proto::GetS3SigningKeyResponse*) override;

 private:
  const StateMachine& sm_;
  Journal& journal_;
  LeaderGate gate_;
};

}  // namespace shoal::master
