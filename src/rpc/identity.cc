#include "rpc/identity.h"

#include <grp.h>
#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>
#include <pwd.h>
#include <unistd.h>

namespace shoal::rpc {
namespace {
constexpr char kUserKey[] = "x-shoal-user";
constexpr char kGroupKey[] = "x-shoal-group";
}  // namespace

Identity processIdentity() {
  Identity id;
  struct passwd pw, *pres = nullptr;
  struct group gr, *gres = nullptr;
  char buf[4096];
  id.user = (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &pres) == 0 && pres) ? pw.pw_name : std::to_string(geteuid());
  id.group = (getgrgid_r(getegid(), &gr, buf, sizeof(buf), &gres) == 0 && gres) ? gr.gr_name : std::to_string(getegid());
  return id;
}

namespace {
thread_local const Identity* acting = nullptr;
}  // namespace

ActingAs::ActingAs(Identity id) : id_(std::move(id)), previous_(acting) { acting = &id_; }
ActingAs::~ActingAs() { acting = previous_; }

const Identity& callerIdentity() {
  static const Identity self = processIdentity();
  return acting ? *acting : self;
}

void attachIdentity(grpc::ClientContext& ctx, const Identity& id) {
  ctx.AddMetadata(kUserKey, id.user);
  ctx.AddMetadata(kGroupKey, id.group);
}

Identity identityFrom(const grpc::ServerContext& ctx) {
  static const Identity self = processIdentity();
  Identity id = self;
  const auto& md = ctx.client_metadata();
  auto u = md.find(kUserKey);
  if (u != md.end() && !u->second.empty()) id.user = std::string(u->second.data(), u->second.size());
  auto g = md.find(kGroupKey);
  if (g != md.end() && !g->second.empty()) id.group = std::string(g->second.data(), g->second.size());
  return id;
}

}  // namespace shoal::rpc
