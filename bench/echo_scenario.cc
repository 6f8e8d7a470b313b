#include <grpcpp/grpcpp.h>

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
  grpc::ServerBuilder builder;
  rpc::applyServerOptions(builder, 8);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  auto stub = proto::EchoService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
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
