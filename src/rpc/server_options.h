// Shared gRPC server settings for every Shoal daemon.
#pragma once

namespace grpc {
class ServerBuilder;
}

namespace shoal::rpc {

// Message size limits and poller threads, so one daemon's settings match the others'.
void applyServerOptions(grpc::ServerBuilder& builder, int threads);

}  // namespace shoal::rpc
