#include "rpc/server_options.h"

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>
#include <netdb.h>

namespace shoal::rpc {

void applyServerOptions(grpc::ServerBuilder& builder, int threads) {
  // gRPC turns SO_REUSEPORT on by default: a second daemon on a busy port would bind silently and
  // share its traffic. Refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, threads);
  // The sync server makes a thread per call in progress: without a quota a burst of slow calls
  // (a store that hangs) creates thousands. Over the quota a call is answered RESOURCE_EXHAUSTED,
  // which clients read as "busy" (Unavailable) and retry, instead of the process running out.
  grpc::ResourceQuota quota("shoal-server");
  quota.SetMaxThreads(kMaxServerThreads);
  builder.SetResourceQuota(quota);
}

Result<StartedServer> startServer(
    const std::string& role, const std::string& host, int port, int threads,
    const std::vector<grpc::Service*>& services, std::string_view port_key,
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> interceptor) {
  // gRPC reports a name that does not resolve like any other bind failure; say which it is.
  addrinfo hints{};
  hints.ai_flags = AI_PASSIVE;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    return makeError(Status(StatusCode::kInvalidArgument,
                            fmt::format("{} cannot listen on '{}': the name does not resolve ({}); set "
                                        "shoal.{}.hostname to a name or address of this machine",
                                        role, host, ::gai_strerror(rc), role)));
  }
  ::freeaddrinfo(found);
  grpc::ServerBuilder builder;
  applyServerOptions(builder, threads);
  if (interceptor) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(std::move(interceptor));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  int bound = 0;
  builder.AddListeningPort(host + ":" + std::to_string(port), grpc::InsecureServerCredentials(), &bound);
  for (auto* s : services) builder.RegisterService(s);
  StartedServer out;
  out.server = builder.BuildAndStart();
  if (!out.server || bound == 0) {
    return makeError(Status(StatusCode::kUnavailable, fmt::format("{} cannot listen on {}:{} (port in use, or host not "
                                                                  "local? set {})",
                                                                  role, host, port, port_key)));
  }
  out.address = host + ":" + std::to_string(bound);
  return out;
}

}  // namespace shoal::rpc
