// RPC metrics of a gRPC server, recorded by an interceptor on every call, so no handler has to:
// shoal_<component>_rpcs_total{method,status}, shoal_<component>_rpc_latency_seconds{method} and
// shoal_<component>_rpcs_in_progress. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/metrics/registry.h"

namespace grpc::experimental {
class ServerInterceptorFactoryInterface;
}

namespace shoal::rpc {

// Declares the three families in `registry` and returns the interceptor factory that fills them;
// `registry` must outlive the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> rpcMetricsInterceptor(
    metrics::Registry& registry, const std::string& component);

}  // namespace shoal::rpc
