#include "master/service/s3_key_service.h"

#include "common/clock.h"
#include "master/s3/s3_keys.h"
#include "master/service/journal_submit.h"
#include "rpc/identity.h"
#include "rpc/leader_metadata.h"
#include "rpc/status_convert.h"

namespace shoal::master {
namespace {

grpc::Status submit(Journal& journal, grpc::ServerContext* ctx, proto::S3KeyEntry e, const std::string& verb) {
  e.set_time_ms(nowMs());
  e.set_user(rpc::identityFrom(*ctx).user);
  const std::string what = verb + " S3 key " + e.access_key();
  proto::JournalEntry je;
  *je.mutable_s3_key() = std::move(e);
  return submitForCaller(journal, *ctx, std::move(je), what);
}

}  // namespace

grpc::Status S3KeyServiceImpl::AddS3Key(grpc::ServerContext* ctx, const proto::AddS3KeyRequest* req,
                                        proto::AddS3KeyResponse*) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  if (Status st = checkS3Key(req->access_key(), req->secret()); !st) return rpc::toGrpc(st);
  proto::S3KeyEntry e;
  e.set_access_key(req->access_key());
  e.set_secret(req->secret());
  return submit(journal_, ctx, std::move(e), "add");
}

grpc::Status S3KeyServiceImpl::RemoveS3Key(grpc::ServerContext* ctx, const proto::RemoveS3KeyRequest* req,
                                           proto::RemoveS3KeyResponse*) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  if (Status st = checkS3AccessKey(req->access_key()); !st) return rpc::toGrpc(st);
  proto::S3KeyEntry e;
  e.set_access_key(req->access_key());
  e.set_remove(true);
  return submit(journal_, ctx, std::move(e), "remove");
}

grpc::Status S3KeyServiceImpl::ListS3Keys(grpc::ServerContext* ctx, const proto::ListS3KeysRequest*,
                                          proto::ListS3KeysResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  for (const auto& [k, r] : sm_.s3Keys()) {
    auto* info = resp->add_keys();
    info->set_access_key(k);
    info->set_created_ms(r.created_ms());
    info->set_user(r.user());
  }
  return grpc::Status::OK;
}

grpc::Status S3KeyServiceImpl::GetS3SigningKey(grpc::ServerContext* ctx, const proto::GetS3SigningKeyRequest* req,
                                               proto::GetS3SigningKeyResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  // The scope's parts as SigV4 has them; anything else signs nothing a client could send.
  if (req->date().size() != 8 || req->region().empty() || req->region().size() > 64) {
    return rpc::toGrpc(invalidArgument("a signing key needs a YYYYMMDD date and a region"));
  }
  auto key = sm_.s3SigningKey(req->access_key(), req->date(), req->region());
  resp->set_found(key.has_value());
  if (key) resp->set_signing_key(*key);
  return grpc::Status::OK;
}

}  // namespace shoal::master
