// The one way Shoal clients open a gRPC channel, so every connection gets the same settings.
#pragma once

#include <memory>
#include <string>

namespace grpc {
class Channel;
}

namespace shoal::client {

std::shared_ptr<grpc::Channel> makeChannel(const std::string& address);

}  // namespace shoal::client
