// The caller's identity on every RPC (SIMPLE auth: the client's OS user and primary group), sent
// as gRPC metadata so permission checks can be added without changing the protocol.
#pragma once

#include <string>

namespace grpc {
class ClientContext;
class ServerContext;
}  // namespace grpc

namespace shoal::rpc {

struct Identity {
  std::string user;
  std::string group;
};

// This process's OS user and primary group.
Identity processIdentity();

// Makes this thread's calls carry `id` instead of the process's identity until it goes out of
// scope: a FUSE daemon acts for the process that made each request. Nests.
class ActingAs {
 public:
  explicit ActingAs(Identity id);
  ~ActingAs();
  ActingAs(const ActingAs&) = delete;
  ActingAs& operator=(const ActingAs&) = delete;

 private:
  Identity id_;
  const Identity* previous_;
};
// The identity this thread's calls carry: the innermost ActingAs, else the process's.
const Identity& callerIdentity();
void attachIdentity(grpc::ClientContext& ctx, const Identity& id);
// The identity a call carries; this process's own when it carries none.
Identity identityFrom(const grpc::ServerContext& ctx);

}  // namespace shoal::rpc
