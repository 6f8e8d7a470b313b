#include "stubs/master_connection.h"

#include <chrono>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <optional>
#include <random>
#include <thread>

#include "rpc/channel.h"
#include "rpc/identity.h"
#include "rpc/leader_metadata.h"
#include "rpc/status_convert.h"

namespace shoal::stubs {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kMinAttempt = std::chrono::milliseconds(50);

std::string randomClientId() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  return fmt::format("{:016x}", gen());
}

// Answers the masters give about leadership carry Shoal's NotLeader code; gRPC's own
// UNAVAILABLE (refused or broken connection) carries no Shoal code at all.
bool aboutLeadership(const grpc::Status& st) {
  return st.error_code() == grpc::StatusCode::UNAVAILABLE &&
         st.error_details() == std::to_string(static_cast<int>(StatusCode::kNotLeader));
}
bool unreachable(const grpc::Status& st) {
  return st.error_code() == grpc::StatusCode::UNAVAILABLE && st.error_details().empty();
}

}  // namespace

MasterConnection::MasterConnection(std::vector<std::string> addresses, int64_t timeout_ms)
    : timeout_ms_(timeout_ms), client_id_(randomClientId()) {
  for (auto& a : addresses) targets_.push_back(Target{a, rpc::makeChannel(a)});
}

MasterConnection::~MasterConnection() = default;

std::vector<std::string> MasterConnection::addressesFrom(const Configuration& conf) {
  auto list = conf.getList(keys::kMasterRpcAddresses);
  if (!list.empty()) return list;
  return {conf.getString(keys::kMasterHostname) + ":" + std::to_string(conf.getInt(keys::kMasterRpcPort))};
}

std::string MasterConnection::newRequestId() { return fmt::format("{}-{}", client_id_, next_request_++); }

std::string MasterConnection::current() const {
  std::lock_guard lock(mu_);
  return targets_[current_].address;
}

std::vector<std::string> MasterConnection::addresses() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& t : targets_) out.push_back(t.address);
  return out;
}

size_t MasterConnection::indexOf(const std::string& address) {
  for (size_t i = 0; i < targets_.size(); ++i) {
    if (targets_[i].address == address) return i;
  }
  targets_.push_back(Target{address, rpc::makeChannel(address)});
  return targets_.size() - 1;
}

Status MasterConnection::call(
    const std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&, grpc::ClientContext&)>& attempt,
    const std::string& request_id, int64_t timeout_ms) {
  const rpc::Identity identity = rpc::callerIdentity();
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : timeout_ms_);
  auto backoff = std::chrono::milliseconds(10);
  size_t unreachable_in_a_row = 0;
  // Redirects followed without waiting; two masters naming each other still back off.
  size_t free_hops = 2;
  // At the deadline a master's own account (say, "no quorum") explains more than a refused
  // connection to the master that just died.
  std::optional<Status> leadership_error;
  while (true) {
    Target target;
    size_t index;
    {
      std::lock_guard lock(mu_);
      index = current_;
      target = targets_[index];
    }
    grpc::ClientContext ctx;
    rpc::attachIdentity(ctx, identity);
    if (!request_id.empty()) rpc::attachRequestId(ctx, request_id);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                                            deadline - Clock::now()));
    grpc::Status st = attempt(target.channel, ctx);
    if (!aboutLeadership(st) && !unreachable(st)) return rpc::fromGrpc(st, "master at " + target.address);
    if (aboutLeadership(st)) leadership_error = rpc::fromGrpc(st, "master at " + target.address);
    retries_.fetch_add(1, std::memory_order_relaxed);
    size_t count;
    bool hinted = false;
    {
      std::lock_guard lock(mu_);
      std::string leader = aboutLeadership(st) ? rpc::leaderFrom(ctx) : "";
      if (!leader.empty() && leader != target.address) {
        current_ = indexOf(leader);
        hinted = free_hops > 0;
        if (hinted) --free_hops;
      } else if (current_ == index) {
        current_ = (index + 1) % targets_.size();
      }
      // A channel that failed to connect waits out gRPC's reconnect backoff (measured: about 5 s
      // after a master restarts), whatever the backoff settings; a fresh channel connects at once.
      if (unreachable(st) && targets_[index].channel == target.channel) targets_[index].channel = rpc::makeChannel(target.address);
      count = targets_.size();
      if (current_ != index) switches_.fetch_add(1, std::memory_order_relaxed);
    }
    unreachable_in_a_row = unreachable(st) ? unreachable_in_a_row + 1 : 0;
    // Every master is down: say so now rather than at the deadline.
    if (unreachable_in_a_row >= count) {
      Status last = rpc::fromGrpc(st, "master at " + target.address);
      if (count == 1) return last;
      std::vector<std::string> all = addresses();
      return Status(StatusCode::kUnavailable,
                    fmt::format("cannot reach any master ({}): {}", fmt::join(all, ","), last.message()));
    }
    // Another attempt only with time for an answer: one begun a moment before the deadline ends
    // in gRPC's DEADLINE_EXCEEDED, which would replace the masters' own account ("no quorum")
    // with "did not answer in time" although every master did answer.
    if (Clock::now() + (hinted ? std::chrono::milliseconds(0) : backoff) + kMinAttempt >= deadline) {
      return leadership_error ? *leadership_error : rpc::fromGrpc(st, "master at " + target.address);
    }
    if (!hinted) {
      std::this_thread::sleep_for(backoff);
      // Capped low: during a failover the wait past the election is at most this long.
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::milliseconds(100));
    }
  }
}

}  // namespace shoal::stubs
