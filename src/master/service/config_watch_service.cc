#include "master/service/config_watch_service.h"

#include "common/clock.h"
#include "rpc/status_convert.h"

namespace shoal::master {

ConfigWatchServiceImpl::ConfigWatchServiceImpl(const StateMachine& sm, const Journal& journal, WorkerRegistry& workers,
                                               ClientRegistry& clients)
    : sm_(sm), gate_(journal), workers_(workers), clients_(clients), timer_([this] { run(); }) {}

ConfigWatchServiceImpl::~ConfigWatchServiceImpl() {
  stop();
  timer_.join();
}

grpc::ServerUnaryReactor* ConfigWatchServiceImpl::WatchConf(grpc::CallbackServerContext* ctx,
                                                            const proto::WatchConfRequest* req,
                                                            proto::WatchConfResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status refused = gate_.check(ctx);
  if (!refused.ok()) {
    reactor->Finish(refused);
    return reactor;
  }
  if (req->kind() == "worker") {
    // A worker is listed by its registration; its watch only brings its version up to date.
    workers_.noteConfVersion(req->client_id(), req->applied_version());
  } else if (!req->client_id().empty()) {
    Status st = clients_.noteConfVersion(req->client_id(), req->kind(), req->host().empty() ? ctx->peer() : req->host(),
                                        req->applied_version(), nowMs());
    if (!st) {
      reactor->Finish(rpc::toGrpc(st));
      return reactor;
    }
  }
  uint32_t wait_ms = std::min(req->wait_ms(), kMaxWaitMs);
  {
    std::lock_guard lock(mu_);
    // Read under the lock: a notify() for a newer version comes after this read, and so sees the
    // waiter parked here.
    uint64_t version = sm_.confVersion();
    resp->set_version(version);
    if (version <= req->since_version() && wait_ms > 0 && !stopping_ && waiting_.size() < kMaxWaiting) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
      // Wake the timer only when this wait ends before every other (waits are mostly equal, so rarely).
      bool earliest = waiting_.empty() || deadline < waiting_.begin()->first;
      waiting_.emplace(deadline, Waiter{reactor, resp, req->since_version()});
      if (earliest) cv_.notify_all();
      return reactor;
    }
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

void ConfigWatchServiceImpl::notify() {
  {
    std::lock_guard lock(mu_);
    notified_ = true;
  }
  cv_.notify_all();
}

void ConfigWatchServiceImpl::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

size_t ConfigWatchServiceImpl::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

void ConfigWatchServiceImpl::finish(std::vector<Waiter>& done) {
  uint64_t version = sm_.confVersion();
  for (auto& w : done) {
    w.resp->set_version(version);
    w.reactor->Finish(grpc::Status::OK);
  }
  done.clear();
}

void ConfigWatchServiceImpl::run() {
  std::vector<Waiter> done;
  std::unique_lock lock(mu_);
  while (true) {
    auto now = std::chrono::steady_clock::now();
    if (stopping_ || notified_) {
      // A new version (or the end): every waiter behind it is answered.
      uint64_t version = sm_.confVersion();
      for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (stopping_ || it->first <= now || it->second.since < version) {
          done.push_back(it->second);
          it = waiting_.erase(it);
        } else {
          ++it;
        }
      }
      notified_ = false;
    } else {
      while (!waiting_.empty() && waiting_.begin()->first <= now) {
        done.push_back(waiting_.begin()->second);
        waiting_.erase(waiting_.begin());
      }
    }
    if (!done.empty()) {
      lock.unlock();
      finish(done);
      lock.lock();
      continue;
    }
    if (stopping_) return;
    if (waiting_.empty()) cv_.wait(lock);
    else cv_.wait_until(lock, waiting_.begin()->first);
  }
}

}  // namespace shoal::master
