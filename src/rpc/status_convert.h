// Status <-> grpc::Status at the RPC edge. The Shoal code travels in the error details so a client
// gets back exactly the code the server had (NotADirectory, DirectoryNotEmpty, ...), which the FUSE
// layer needs to answer with the right errno.
#pragma once

#include <grpcpp/support/status.h>

#include "common/status.h"

namespace shoal::rpc {

grpc::Status toGrpc(const Status& status);
Status fromGrpc(const grpc::Status& status, const std::string& target);

}  // namespace shoal::rpc
