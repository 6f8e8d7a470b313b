// ConfigWatch over gRPC's callback API: a WatchConf whose caller already has the current version
// waits, holding no server thread, until the version goes up or its wait (at most kMaxWaitMs) is
// over. At most kMaxWaiting wait at once; past that a watch is answered at once and the caller
// comes back after its own interval. One timer thread finishes expired watches. Thread-safe.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "master.grpc.pb.h"
#include "master/journal/state_machine.h"
#include "master/service/leader_gate.h"
#include "master/workers/client_registry.h"
#include "master/workers/worker_registry.h"

namespace shoal::master {

class ConfigWatchServiceImpl final : public proto::ConfigWatch::CallbackService {
 public:
  static constexpr uint32_t kMaxWaitMs = 30'000;
  static constexpr size_t kMaxWaiting = 100'000;

  ConfigWatchServiceImpl(const StateMachine& sm, const Journal& journal, WorkerRegistry& workers,
                         ClientRegistry& clients);
  ~ConfigWatchServiceImpl() override;

  grpc::ServerUnaryReactor* WatchConf(grpc::CallbackServerContext* ctx, const proto::WatchConfRequest* req,
                                      proto::WatchConfResponse* resp) override;

  // The version went up: answers every watch behind it.
  void notify();
  // Answers every waiting watch and every later one at once; call before the server shuts down.
  void stop();
  size_t waiting() const;

 private:
  struct Waiter {
    grpc::ServerUnaryReactor* reactor;
    proto::WatchConfResponse* resp;
    uint64_t since;
  };
  void run();
  // Finishes the waiters taken out of the table (outside the lock).
  void finish(std::vector<Waiter>& done);

  const StateMachine& sm_;
  LeaderGate gate_;
  WorkerRegistry& workers_;
  ClientRegistry& clients_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, Waiter> waiting_;  // by deadline; guarded by mu_
  bool stopping_ = false;                                                 // guarded by mu_
  bool notified_ = false;                                                 // guarded by mu_
  std::thread timer_;
};

}  // namespace shoal::master
