// The cluster configuration calls (ConfigService, ConfigWatch) over the leader-following master
// connection: what `shoal conf` and every process that applies the configuration use.
// Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "stubs/master_connection.h"
#include "master.pb.h"

namespace grpc {
class ClientContext;
}

namespace shoal::stubs {

class ConfClient {
 public:
  explicit ConfClient(MasterConnection& conn) : conn_(conn) {}

  // The new version (a dry run: the current one). Carries a request id: applied once.
  Result<uint64_t> set(const std::vector<proto::ConfChange>& changes, bool dry_run);
  Result<proto::ClusterConf> get();
  Result<std::vector<proto::ConfHistoryRecord>> history(uint32_t limit);
  Result<proto::GetConfStatusResponse> status();
  // The current version once it is newer than `since` or `wait_ms` passed (a long poll); `applied`
  // is reported as this process's version.
  Result<uint64_t> watch(uint64_t since, uint64_t applied, uint32_t wait_ms, const std::string& client_id,
                         const std::string& kind, const std::string& host);
  // Ends a watch in progress (it returns Cancelled) and every later one at once: for shutting down.
  void cancelWatches();

 private:
  MasterConnection& conn_;
  std::mutex mu_;
  grpc::ClientContext* watching_ = nullptr;  // guarded by mu_
  bool cancelled_ = false;                   // guarded by mu_
};

}  // namespace shoal::stubs
