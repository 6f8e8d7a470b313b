#include "stubs/s3_bucket_client.h"

#include <grpcpp/grpcpp.h>

#include "master.grpc.pb.h"

namespace shoal::stubs {

Status S3BucketClient::bind(const std::string& name, const std::string& path) {
  proto::BindBucketRequest req;
  req.set_name(name);
  req.set_path(path);
  proto::BindBucketResponse resp;
  return conn_.call(
      [&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
        return proto::S3BucketService::Stub(ch).BindBucket(&ctx, req, &resp);
      },
      conn_.newRequestId());
}

Status S3BucketClient::unbind(const std::string& name) {
  proto::UnbindBucketRequest req;
  req.set_name(name);
  proto::UnbindBucketResponse resp;
  return conn_.call(
      [&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
        return proto::S3BucketService::Stub(ch).UnbindBucket(&ctx, req, &resp);
      },
      conn_.newRequestId());
}

Result<std::vector<proto::BucketBinding>> S3BucketClient::list() {
  proto::ListBucketBindingsResponse resp;
  Status st = conn_.call([&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
    return proto::S3BucketService::Stub(ch).ListBucketBindings(&ctx, proto::ListBucketBindingsRequest(), &resp);
  });
  if (!st) return makeError(st);
  return std::vector<proto::BucketBinding>(resp.bindings().begin(), resp.bindings().end());
}

}  // namespace shoal::stubs
