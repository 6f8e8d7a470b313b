// The metadata by which masters in a Raft group steer clients: a follower's refusal carries the
// leader's RPC address, and every mutation carries the client's request id, which stays the same
// when the call is retried on another master.
#pragma once

#include <string>

namespace grpc {
class ClientContext;
class ServerContextBase;
}  // namespace grpc

namespace shoal::rpc {

inline constexpr char kLeaderKey[] = "shoal-leader";
inline constexpr char kRequestIdKey[] = "shoal-request-id";

void attachRequestId(grpc::ClientContext& ctx, const std::string& id);
// The request id a call carries; "" when it carries none.
std::string requestIdFrom(const grpc::ServerContextBase& ctx);
void attachLeader(grpc::ServerContextBase& ctx, const std::string& leader_rpc_address);
// The leader a refusal named; "" when it named none.
std::string leaderFrom(const grpc::ClientContext& ctx);

}  // namespace shoal::rpc
