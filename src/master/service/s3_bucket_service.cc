#include "master/service/s3_bucket_service.h"

#include "common/clock.h"
#include "master/s3/s3_buckets.h"
#include "master/service/journal_submit.h"
#include "rpc/identity.h"
#include "rpc/leader_metadata.h"
#include "rpc/status_convert.h"

namespace shoal::master {
namespace {

grpc::Status submit(Journal& journal, grpc::ServerContext* ctx, proto::S3BucketEntry e, const std::string& verb) {
  e.set_time_ms(nowMs());
  e.set_user(rpc::identityFrom(*ctx).user);
  const std::string what = verb + " bucket " + e.name();
  proto::JournalEntry je;
  *je.mutable_s3_bucket() = std::move(e);
  return submitForCaller(journal, *ctx, std::move(je), what);
}

}  // namespace

grpc::Status S3BucketServiceImpl::BindBucket(grpc::ServerContext* ctx, const proto::BindBucketRequest* req,
                                             proto::BindBucketResponse*) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  if (Status st = checkBucketBinding(req->name(), req->path()); !st) return rpc::toGrpc(st);
  auto info = fs_.getStatus(req->path(), std::nullopt);
  if (!info) return rpc::toGrpc(info.error().withContext("bind bucket " + req->name()));
  if (!info->is_dir()) {
    return rpc::toGrpc(Status(StatusCode::kNotADirectory, "bind bucket " + req->name() + ": " + req->path() +
                                                              " is not a directory"));
  }
  proto::S3BucketEntry e;
  e.set_name(req->name());
  e.set_path(req->path());
  return submit(journal_, ctx, std::move(e), "bind");
}

grpc::Status S3BucketServiceImpl::UnbindBucket(grpc::ServerContext* ctx, const proto::UnbindBucketRequest* req,
                                               proto::UnbindBucketResponse*) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  if (Status st = checkBucketName(req->name()); !st) return rpc::toGrpc(st);
  proto::S3BucketEntry e;
  e.set_name(req->name());
  e.set_remove(true);
  return submit(journal_, ctx, std::move(e), "unbind");
}

grpc::Status S3BucketServiceImpl::ListBucketBindings(grpc::ServerContext* ctx, const proto::ListBucketBindingsRequest*,
                                                     proto::ListBucketBindingsResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  for (const auto& [name, r] : sm_.s3Buckets()) {
    auto* b = resp->add_bindings();
    b->set_name(name);
    b->set_path(r.path());
    b->set_created_ms(r.created_ms());
    b->set_user(r.user());
  }
  return grpc::Status::OK;
}

}  // namespace shoal::master
