// The leader's side of `shoal conf`: a change set is checked whole (every key hot and known, every
// value valid, a path only for per-path keys, no pair twice, an unset only of a rule that exists)
// and journaled as one new version, or refused with nothing journaled. It also answers which
// process applied which version. Thread-safe.
#pragma once

#include <vector>

#include "master.pb.h"
#include "master/fs/file_system_master.h"
#include "master/journal/journal.h"
#include "master/workers/client_registry.h"
#include "master/workers/worker_registry.h"

namespace shoal::master {

class ConfMaster {
 public:
  ConfMaster(StateMachine& sm, Journal& journal, const WorkerRegistry& workers, const ClientRegistry& clients)
      : sm_(sm), journal_(journal), workers_(workers), clients_(clients) {}

  // The new version (a dry run: the current one, after every check). `client` is the caller's
  // address, for the history.
  Result<uint64_t> set(const std::vector<proto::ConfChange>& changes, bool dry_run, const CallerIdentity& who,
                       const std::string& client);
  proto::GetConfStatusResponse status(const std::string& self_address, uint64_t self_applied, int64_t now_ms) const;

  // Changes in one call at most: a configuration is a few dozen keys and their path rules.
  static constexpr size_t kMaxChanges = 256;

 private:
  StateMachine& sm_;
  Journal& journal_;
  const WorkerRegistry& workers_;
  const ClientRegistry& clients_;
};

}  // namespace shoal::master
