#include "rpc/server_options.h"

#include <grpcpp/grpcpp.h>

namespace shoal::rpc {

void applyServerOptions(grpc::ServerBuilder& builder, int threads) {
  // gRPC turns SO_REUSEPORT on by default: a second daemon on a busy port would bind silently and
  // share its traffic. Refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  // No thread quota: a sync server over its quota answers RESOURCE_EXHAUSTED instead of queueing.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, threads);
}

}  // namespace shoal::rpc
