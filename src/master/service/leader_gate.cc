#include "master/service/leader_gate.h"

#include "rpc/leader_metadata.h"
#include "rpc/status_convert.h"

namespace shoal::master {

grpc::Status LeaderGate::check(grpc::ServerContextBase* ctx) const {
  Status st = journal_.servingStatus();
  if (st.isOk()) return grpc::Status::OK;
  if (ctx) rpc::attachLeader(*ctx, journal_.leaderRpcAddress());
  return rpc::toGrpc(st);
}

}  // namespace shoal::master
