#include "client/client_heartbeat.h"

#include <algorithm>
#include <random>
#include <unistd.h>

#include <fmt/format.h>

#include "stubs/conf_sync.h"
#include "client/file_reader.h"
#include "stubs/master_client.h"
#include "stubs/worker_registry_client.h"
#include "common/logging.h"

namespace shoal::client {

proto::ClientCounters clientCounters(const stubs::MasterClient& master, const FileReader& reader) {
  const ReaderCounters& c = reader.counters();
  auto v = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  proto::ClientCounters out;
  out.set_short_circuit_bytes(v(c.short_circuit_bytes));
  out.set_worker_bytes(v(c.worker_bytes));
  out.set_store_bytes(v(c.store_bytes));
  out.set_metadata_cache_hits(master.metadataCacheHits());
  out.set_metadata_cache_misses(master.metadataCacheMisses());
  out.set_master_retries(master.masterRetries());
  out.set_master_failovers(master.masterSwitches());
  return out;
}

std::string localHostName() {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  return host;
}

std::string newClientId() {
  std::random_device rd;
  return fmt::format("{}-{}-{:016x}", localHostName(), ::getpid(), (uint64_t{rd()} << 32) | rd());
}

ClientHeartbeat::ClientHeartbeat(const Configuration& conf, const stubs::MasterClient& master, const FileReader& reader,
                                 std::string kind, const LiveConfig* live, stubs::ConfSync* sync, std::string client_id)
    : master_(master), reader_(reader), interval_ms_(conf.getDurationMs(keys::kUserHeartbeatInterval)), live_(live),
      sync_(sync) {
  req_.set_client_id(std::move(client_id));
  req_.set_kind(std::move(kind));
  req_.set_host(localHostName());
  // Each beat is bounded (at most 2 s), so a master that does not answer delays only the next beat
  // and the client's shutdown by no more than that.
  registry_ = std::make_unique<stubs::WorkerRegistryClient>(master.addresses(), std::clamp<int64_t>(interval_ms_, 500, 2000));
  thread_ = std::thread([this] { run(); });
}

ClientHeartbeat::~ClientHeartbeat() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ClientHeartbeat::run() {
  static LogRateLimiter limit(std::chrono::seconds(60));
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    *req_.mutable_counters() = clientCounters(master_, reader_);
    if (live_ != nullptr) req_.set_conf_version(live_->version());
    auto r = registry_->clientHeartbeat(req_);
    uint64_t held = 0;
    if (!r && limit.allow(held)) {
      logger("client")->warn("heartbeat to the master failed, tried again every {} ms ({} more failures not logged): {}",
                             interval_ms_, held, r.error().toString());
    }
    if (r && sync_ != nullptr) sync_->noteVersion(r->conf_version());
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
  }
}

}  // namespace shoal::client
