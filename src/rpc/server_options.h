// Shared gRPC server settings and start-up for every Shoal daemon.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace grpc {
namespace experimental {
class ServerInterceptorFactoryInterface;
}
class Server;
class ServerBuilder;
class Service;
}  // namespace grpc

namespace shoal::rpc {

// Threads a daemon's gRPC server runs at most (calls in progress plus pollers).
inline constexpr int kMaxServerThreads = 512;

// Message size limits, poller threads, a thread quota, and no SO_REUSEPORT.
void applyServerOptions(grpc::ServerBuilder& builder, int threads);

struct StartedServer {
  std::unique_ptr<grpc::Server> server;
  std::string address;  // host:port actually bound (the real port when 0 was asked)
};

// Starts a server for `services` on host:port. The error names the role, the address and the
// configuration key that sets the port.
// `interceptor`, when given, sees every call (the daemon's RPC metrics).
Result<StartedServer> startServer(
    const std::string& role, const std::string& host, int port, int threads,
    const std::vector<grpc::Service*>& services, std::string_view port_key,
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> interceptor = nullptr);

}  // namespace shoal::rpc
