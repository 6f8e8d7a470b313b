// The client's way to the leading master. It knows every master's RPC address
// (shoal.master.rpc.addresses, or shoal.master.hostname:shoal.master.rpc.port for one master) and
// keeps a channel to each. A call goes to the master that answered last. A refusal naming the
// leader moves the call there at once; a master that knows no leader, or lost the leadership
// mid-call, or cannot be reached while another can, moves it to the next address after a short
// backoff, until the call's deadline. A mutation's request id stays the same across these
// attempts, so the masters apply it at most once. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/configuration.h"
#include "common/status.h"

namespace grpc {
class Channel;
class ClientContext;
class Status;
}  // namespace grpc

namespace shoal::stubs {

class MasterConnection {
 public:
  MasterConnection(std::vector<std::string> addresses, int64_t timeout_ms);
  ~MasterConnection();

  // The configured masters' RPC addresses (validated when the configuration was loaded).
  static std::vector<std::string> addressesFrom(const Configuration& conf);

  // One attempt runs `attempt(channel, ctx)` with the identity, deadline and (for a mutation) the
  // request id already on `ctx`. Returns the first answer that is not about leadership or reach.
  // `timeout_ms` > 0 replaces the connection's deadline for this call (a long poll).
  Status call(const std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&, grpc::ClientContext&)>& attempt,
              const std::string& request_id = "", int64_t timeout_ms = 0);
  // This client's random id (the prefix of its request ids).
  const std::string& clientId() const { return client_id_; }

  // A new id for one mutation: "<this client's random id>-<sequence>".
  std::string newRequestId();
  // The address calls go to now (the leader, once one answered).
  std::string current() const;
  std::vector<std::string> addresses() const;
  int64_t timeoutMs() const { return timeout_ms_; }
  // Attempts made again after a master could not be reached or did not lead, and how often calls
  // moved to another master (a failover followed, or a redirect to the leader).
  uint64_t retries() const { return retries_.load(std::memory_order_relaxed); }
  uint64_t switches() const { return switches_.load(std::memory_order_relaxed); }

 private:
  struct Target {
    std::string address;
    std::shared_ptr<grpc::Channel> channel;
  };
  size_t indexOf(const std::string& address);  // adds unknown addresses; callers hold mu_

  mutable std::mutex mu_;
  std::vector<Target> targets_;  // guarded by mu_
  size_t current_ = 0;           // guarded by mu_
  int64_t timeout_ms_;
  std::string client_id_;
  std::atomic<uint64_t> next_request_{1};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> switches_{0};
};

}  // namespace shoal::stubs
