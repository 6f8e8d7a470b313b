#include <grpcpp/grpcpp.h>

#include "rpc/channel.h"
#include "echo.grpc.pb.h"
#include "rpc/server_options.h"
#include "scenarios.h"

namespace shoal::bench {
namespace {

class EchoService final : public proto::EchoService::Service {
  grpc::Status Echo(grpc::ServerContext*, const proto::EchoRequest* req, proto::EchoResponse* resp) override {
    resp->set_payload(req->payload());
    return grpc::Status::OK;
  }
};

}  // namespace

std::vector<Figure> runEchoScenario(const LoadSpec& spec) {
  EchoService service;
  // The master's server settings and thread count, so the only difference is the work per call.
  auto started = rpc::startServer("rpc-echo", "127.0.0.1", 0, 8, {&service}, "--");
  if (!started) throw std::runtime_error(started.error().toString());
  auto server = std::move(started->server);
  auto stub = proto::EchoService::NewStub(rpc::makeChannel(started->address));
  // A reply about the size of a GetStatus reply.
  std::string payload(160, 'e');
  Figure f = runLoad("rpc-echo", spec, [&](int, uint64_t) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    proto::EchoRequest req;
    req.set_payload(payload);
    proto::EchoResponse resp;
    return stub->Echo(&ctx, req, &resp).ok();
  });
  f.params["payload_bytes"] = std::to_string(payload.size());
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return {f};
}

}  // namespace shoal::bench
