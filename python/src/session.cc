#include "session.h"

#include <set>
#include <unistd.h>

namespace shoal::python {

struct Session::Parts {
  explicit Parts(const Configuration& conf) : live(conf, "python"), vfs(live.context()) {}
  client::LiveClient live;
  vfs::Vfs vfs;
};

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

}  // namespace

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
  {
    std::lock_guard lock(registryMutex());
    registry().erase(this);
  }
  std::lock_guard lock(mu_);
  if (parts_ && pid_ == ::getpid()) delete parts_;  // an inherited one is never touched
}

Session::Parts& Session::parts() {
  std::lock_guard lock(mu_);
  if (!parts_ || pid_ != ::getpid()) {
    parts_ = new Parts(conf_);  // the inherited one, if any, is left as it is
    pid_ = ::getpid();
    ++generation_;
  }
  return *parts_;
}

client::Context& Session::client() { return parts().live.context(); }
vfs::Vfs& Session::vfs() { return parts().vfs; }

uint64_t Session::generation() {
  parts();
  std::lock_guard lock(mu_);
  return generation_;
}

void Session::beforeFork() {
  registryMutex().lock();  // held until after the fork, in parent and child
  for (Session* s : registry()) {
    s->mu_.lock();
    if (s->parts_ && s->pid_ == ::getpid()) s->parts_->live.pauseWatch();
  }
}

void Session::afterForkInParent() {
  for (Session* s : registry()) {
    if (s->parts_ && s->pid_ == ::getpid()) s->parts_->live.resumeWatch();
    s->mu_.unlock();
  }
  registryMutex().unlock();
}

void Session::afterForkInChild() {
  for (Session* s : registry()) s->mu_.unlock();
  registryMutex().unlock();
}

}  // namespace shoal::python
