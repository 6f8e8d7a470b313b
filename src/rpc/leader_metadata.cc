#include "rpc/leader_metadata.h"

#include <grpcpp/grpcpp.h>

namespace shoal::rpc {
namespace {

// Request ids are "<client>-<n>"; anything longer is not one of ours and is not remembered.
constexpr size_t kMaxRequestId = 128;

}  // namespace

void attachRequestId(grpc::ClientContext& ctx, const std::string& id) { ctx.AddMetadata(kRequestIdKey, id); }

std::string requestIdFrom(const grpc::ServerContextBase& ctx) {
  const auto& md = ctx.client_metadata();
  auto it = md.find(kRequestIdKey);
  if (it == md.end() || it->second.size() > kMaxRequestId) return "";
  return std::string(it->second.data(), it->second.size());
}

void attachLeader(grpc::ServerContextBase& ctx, const std::string& leader_rpc_address) {
  if (!leader_rpc_address.empty()) ctx.AddTrailingMetadata(kLeaderKey, leader_rpc_address);
}

std::string leaderFrom(const grpc::ClientContext& ctx) {
  const auto& md = ctx.GetServerTrailingMetadata();
  auto it = md.find(kLeaderKey);
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

}  // namespace shoal::rpc
