#include "rpc/rpc_metrics.h"

#include <chrono>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

namespace shoal::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

struct RpcFamilies {
  metrics::Family<metrics::Counter>& calls;
  metrics::Family<metrics::Histogram>& latency;
  metrics::Gauge& in_progress;
};

const char* codeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
                                           "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
                                           "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  auto i = static_cast<size_t>(code);
  return i < std::size(kNames) ? kNames[i] : "UNKNOWN";
}

// "/shoal.proto.MasterService/GetStatus" -> "GetStatus": methods are a fixed set, so the label is bounded.
std::string_view methodName(const char* full) {
  std::string_view m = full ? full : "";
  auto slash = m.rfind('/');
  return slash == std::string_view::npos ? m : m.substr(slash + 1);
}

class RpcMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  RpcMetricsInterceptor(RpcFamilies& f, std::string_view method)
      : f_(f), method_(method), start_(std::chrono::steady_clock::now()) {
    f_.in_progress.add(1);
  }
  ~RpcMetricsInterceptor() override { f_.in_progress.add(-1); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status st = methods->GetSendStatus();
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - start_;
      f_.calls.with({method_, codeName(st.error_code())}).inc();
      f_.latency.with({method_}).observe(took.count());
    }
    methods->Proceed();
  }

 private:
  RpcFamilies& f_;
  std::string_view method_;
  std::chrono::steady_clock::time_point start_;
};

class RpcMetricsFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcMetricsFactory(RpcFamilies f) : f_(f) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new RpcMetricsInterceptor(f_, methodName(info->method()));
  }

 private:
  RpcFamilies f_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> rpcMetricsInterceptor(
    metrics::Registry& registry, const std::string& component) {
  std::string p = "shoal_" + component + "_";
  RpcFamilies f{registry.counterFamily(p + "rpcs_total", "RPCs answered, by method and gRPC status.",
                                       {"method", "status"}),
                registry.histogramFamily(p + "rpc_latency_seconds", "Time from receiving an RPC to sending its status.",
                                         {"method"}, metrics::kLatencyBuckets),
                registry.gauge(p + "rpcs_in_progress", "RPCs received and not yet answered (threads busy on them).")};
  return std::make_unique<RpcMetricsFactory>(f);
}

}  // namespace shoal::rpc
