#include "master/service/config_service.h"

#include "common/clock.h"
#include "master/fs/request_scope.h"
#include "rpc/identity.h"
#include "rpc/leader_metadata.h"
#include "rpc/status_convert.h"

namespace shoal::master {

grpc::Status ConfigServiceImpl::SetConf(grpc::ServerContext* ctx, const proto::SetConfRequest* req,
                                        proto::SetConfResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  RequestScope scope(rpc::requestIdFrom(*ctx));
  auto id = rpc::identityFrom(*ctx);
  std::vector<proto::ConfChange> changes(req->changes().begin(), req->changes().end());
  std::string peer = ctx->peer();  // "ipv4:127.0.0.1:5000": the history keeps the address alone
  if (peer.starts_with("ipv4:") || peer.starts_with("ipv6:")) peer.erase(0, 5);
  auto v = conf_.set(changes, req->dry_run(), CallerIdentity{id.user, id.group}, peer);
  if (!v) return rpc::toGrpc(v.error());
  resp->set_version(*v);
  return grpc::Status::OK;
}

grpc::Status ConfigServiceImpl::GetConf(grpc::ServerContext* ctx, const proto::GetConfRequest*,
                                        proto::GetConfResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  *resp->mutable_conf() = sm_.clusterConf();
  return grpc::Status::OK;
}

grpc::Status ConfigServiceImpl::GetConfHistory(grpc::ServerContext* ctx, const proto::GetConfHistoryRequest* req,
                                               proto::GetConfHistoryResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  for (auto& r : sm_.confHistory(req->limit())) *resp->add_records() = std::move(r);
  return grpc::Status::OK;
}

grpc::Status ConfigServiceImpl::GetConfStatus(grpc::ServerContext* ctx, const proto::GetConfStatusRequest*,
                                              proto::GetConfStatusResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  *resp = conf_.status(self_(), applied_(), nowMs());
  return grpc::Status::OK;
}

}  // namespace shoal::master
