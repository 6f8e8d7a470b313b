#include "stubs/conf_client.h"

#include <grpcpp/grpcpp.h>

#include "master.grpc.pb.h"

namespace shoal::stubs {

Result<uint64_t> ConfClient::set(const std::vector<proto::ConfChange>& changes, bool dry_run) {
  proto::SetConfRequest req;
  for (const auto& c : changes) *req.add_changes() = c;
  req.set_dry_run(dry_run);
  proto::SetConfResponse resp;
  Status st = conn_.call(
      [&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
        return proto::ConfigService::Stub(ch).SetConf(&ctx, req, &resp);
      },
      conn_.newRequestId());
  if (!st) return makeError(st);
  return resp.version();
}

Result<proto::ClusterConf> ConfClient::get() {
  proto::GetConfResponse resp;
  Status st = conn_.call([&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
    return proto::ConfigService::Stub(ch).GetConf(&ctx, proto::GetConfRequest(), &resp);
  });
  if (!st) return makeError(st);
  return std::move(*resp.mutable_conf());
}

Result<std::vector<proto::ConfHistoryRecord>> ConfClient::history(uint32_t limit) {
  proto::GetConfHistoryRequest req;
  req.set_limit(limit);
  proto::GetConfHistoryResponse resp;
  Status st = conn_.call([&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
    return proto::ConfigService::Stub(ch).GetConfHistory(&ctx, req, &resp);
  });
  if (!st) return makeError(st);
  return std::vector<proto::ConfHistoryRecord>(resp.records().begin(), resp.records().end());
}

Result<proto::GetConfStatusResponse> ConfClient::status() {
  proto::GetConfStatusResponse resp;
  Status st = conn_.call([&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
    return proto::ConfigService::Stub(ch).GetConfStatus(&ctx, proto::GetConfStatusRequest(), &resp);
  });
  if (!st) return makeError(st);
  return resp;
}

Result<uint64_t> ConfClient::watch(uint64_t since, uint64_t applied, uint32_t wait_ms, const std::string& client_id,
                                   const std::string& kind, const std::string& host) {
  proto::WatchConfRequest req;
  req.set_since_version(since);
  req.set_applied_version(applied);
  req.set_wait_ms(wait_ms);
  req.set_client_id(client_id);
  req.set_kind(kind);
  req.set_host(host);
  proto::WatchConfResponse resp;
  Status st = conn_.call(
      [&](const std::shared_ptr<grpc::Channel>& ch, grpc::ClientContext& ctx) {
        {
          std::lock_guard lock(mu_);
          if (cancelled_) return grpc::Status(grpc::StatusCode::CANCELLED, "the configuration watch was stopped");
          watching_ = &ctx;
        }
        grpc::Status st = proto::ConfigWatch::Stub(ch).WatchConf(&ctx, req, &resp);
        std::lock_guard lock(mu_);
        watching_ = nullptr;
        return st;
      },
      "", static_cast<int64_t>(wait_ms) + conn_.timeoutMs());
  if (!st) return makeError(st);
  return resp.version();
}

}  // namespace shoal::stubs

namespace shoal::stubs {

void ConfClient::cancelWatches() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  if (watching_ != nullptr) watching_->TryCancel();
}

}  // namespace shoal::stubs
