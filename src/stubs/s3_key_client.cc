#include "stubs/s3_key_client.h"

#include <grpcpp/grpcpp.h>

#include "master.grpc.pb.h"

namespace shoal::stubs {

Status S3KeyClient::add(const std::string& access_key, const std::string& secret) {
  proto::AddS3KeyRequest req;
  req.set_access_key(access_key);
  req.set_secret(secret);
  proto::AddS3KeyResponse resp;
  return conn_.call(
      [&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
        return proto::S3KeyService::Stub(ch).AddS3Key(&ctx, req, &resp);
      },
      conn_.newRequestId());
}

Status S3KeyClient::remove(const std::string& access_key) {
  proto::RemoveS3KeyRequest req;
  req.set_access_key(access_key);
  proto::RemoveS3KeyResponse resp;
  return conn_.call(
      [&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
        return proto::S3KeyService::Stub(ch).RemoveS3Key(&ctx, req, &resp);
      },
      conn_.newRequestId());
}

Result<std::vector<proto::S3KeyInfo>> S3KeyClient::list() {
  proto::ListS3KeysResponse resp;
  Status st = conn_.call([&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
    return proto::S3KeyService::Stub(ch).ListS3Keys(&ctx, proto::ListS3KeysRequest(), &resp);
  });
  if (!st) return makeError(st);
  return std::vector<proto::S3KeyInfo>(resp.keys().begin(), resp.keys().end());
}

Result<std::optional<std::string>> S3KeyClient::signingKey(const std::string& access_key, const std::string& date,
                                                           const std::string& region) {
  proto::GetS3SigningKeyRequest req;
  req.set_access_key(access_key);
  req.set_date(date);
  req.set_region(region);
  proto::GetS3SigningKeyResponse resp;
  Status st = conn_.call([&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
    return proto::S3KeyService::Stub(ch).GetS3SigningKey(&ctx, req, &resp);
  });
  if (!st) return makeError(st);
  if (!resp.found()) return std::optional<std::string>();
  return std::optional<std::string>(resp.signing_key());
}

}  // namespace shoal::stubs
