#include "session.h"

#include <grpc/grpc.h>
#include <set>
#include <unistd.h>

namespace shoal::python {
namespace {

// Every live session, for the fork hooks.
std::mutex& registryMutex() {
  static std::mutex mu;
  return mu;
}
std::set<Session*>& registry() {
  static std::set<Session*> sessions;
  return sessions;
}
// Set in a child forked while gRPC was still in use in the parent.
bool forked_with_grpc_up = false;

}  // namespace

void Session::holdGrpc() { grpc_init(); }

Result<std::shared_ptr<Session>> Session::connect(std::vector<std::string> overrides) {
  auto conf = Configuration::load(Configuration::confDirFromEnv(), overrides);
  if (!conf) return makeError(conf.error());
  std::shared_ptr<Session> s(new Session(std::move(*conf), std::move(overrides)));
  std::lock_guard lock(registryMutex());
  registry().insert(s.get());
  return s;
}

Session::Session(Configuration conf, std::vector<std::string> overrides)
    : conf_(std::move(conf)), overrides_(std::move(overrides)) {}

Session::~Session() {
  std::lock_guard lock(registryMutex());
  registry().erase(this);
}

std::shared_ptr<Parts> Session::parts() {
  if (forked_with_grpc_up) {
    return nullptr;
  }
  std::lock_guard lock(mu_);
  if (!parts_) parts_ = std::make_shared<Parts>(conf_);
  return parts_;
}

void Session::beforeFork() {
  registryMutex().lock();  // held until after the fork, in parent and child
  std::vector<std::shared_ptr<Parts>> dropped;
  for (Session* s : registry()) {
    std::lock_guard lock(s->mu_);
    dropped.push_back(std::move(s->parts_));
  }
  dropped.clear();  // each client ends here unless a call or a writer still holds it
  // Our hold is the last one when no client is left: gRPC then shuts down before this returns.
  grpc_shutdown_blocking();
}

void Session::afterForkInParent() {
  grpc_init();
  registryMutex().unlock();
}

void Session::afterForkInChild() {
  // gRPC still up here means it came through the fork with its threads left behind.
  forked_with_grpc_up = grpc_is_initialized() != 0;
  if (!forked_with_grpc_up) grpc_init();
  registryMutex().unlock();
}

}  // namespace shoal::python
