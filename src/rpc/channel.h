// The one way Shoal processes open a gRPC channel, so every connection gets the same settings.
#pragma once

#include <memory>
#include <string>

namespace grpc {
class Channel;
}

namespace shoal::rpc {

std::shared_ptr<grpc::Channel> makeChannel(const std::string& address);

}  // namespace shoal::rpc
