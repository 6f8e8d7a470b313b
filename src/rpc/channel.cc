#include "rpc/channel.h"

#include <grpcpp/grpcpp.h>

namespace shoal::rpc {

std::shared_ptr<grpc::Channel> makeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  // gRPC's default reconnect backoff (1 s growing to 120 s) leaves a client failing for seconds
  // after a server comes back; masters and workers restart in well under a second.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // A receive window of several pages, so a worker streaming 1 MiB pages is not held back by
  // HTTP/2 flow control waiting for window updates between them.
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 8 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

}  // namespace shoal::rpc
