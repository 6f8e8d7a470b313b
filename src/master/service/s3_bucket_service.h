// S3BucketService over gRPC: the S3 gateways' bucket table, journaled (bind, unbind) and listed.
// A bucket is bound only to a directory that exists when it is bound. Served by the leader alone.
// Thread-safe.
#pragma once

#include "master.grpc.pb.h"
#include "master/fs/file_system_master.h"
#include "master/journal/journal.h"
#include "master/journal/state_machine.h"
#include "master/service/leader_gate.h"

namespace shoal::master {

class S3BucketServiceImpl final : public proto::S3BucketService::Service {
 public:
  S3BucketServiceImpl(FileSystemMaster& fs, const StateMachine& sm, Journal& journal)
      : fs_(fs), sm_(sm), journal_(journal), gate_(journal) {}

  grpc::Status BindBucket(grpc::ServerContext*, const proto::BindBucketRequest*, proto::BindBucketResponse*) override;
  grpc::Status UnbindBucket(grpc::ServerContext*, const proto::UnbindBucketRequest*,
                            proto::UnbindBucketResponse*) override;
  grpc::Status ListBucketBindings(grpc::ServerContext*, const proto::ListBucketBindingsRequest*,
                                  proto::ListBucketBindingsResponse*) override;

 private:
  FileSystemMaster& fs_;
  const StateMachine& sm_;
  Journal& journal_;
  LeaderGate gate_;
};

}  // namespace shoal::master
