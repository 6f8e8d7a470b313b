// Three (or n) real `shoal master` processes forming a Raft group on 127.0.0.1: free RPC and
// journal ports, one journal folder each, and the helpers the HA tests need (who leads, each
// master's own view, clients that know every master).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/master_cluster.h"
#include "master.pb.h"

namespace shoal::testing {

class MasterGroupUnderTest {
 public:
  // `extra` are -D overrides (without "-D") for every master.
  explicit MasterGroupUnderTest(int n = 3, std::vector<std::string> extra = {});

  bool startAll();
  MasterUnderTest& master(int i) { return *masters_[i]; }
  int size() const { return static_cast<int>(masters_.size()); }
  const std::string& journalAddress(int i) const { return journal_[i]; }
  std::string rpcAddress(int i) const { return masters_[i]->address(); }
  // "shoal.master.rpc.addresses=..." for clients, workers and CLI commands.
  std::string rpcAddressesConf() const;
  // Index of the master that leads and serves, waiting up to `seconds`; -1 if none did.
  int waitLeader(int seconds = 30);
  // One master's own answer to GetMasterInfo (nullopt when it does not answer).
  std::optional<proto::GetMasterInfoResponse> info(int i, bool digest = false);
  std::unique_ptr<stubs::MasterClient> newClient(int64_t timeout_ms = 30000);
  // Runs `shoal ARGS... -Dshoal.master.rpc.addresses=...`.
  CommandResult cli(const std::vector<std::string>& args);
  // True once every running master has applied the same index and holds the same namespace.
  bool converged(const std::vector<int>& members);

 private:
  std::vector<std::string> journal_;
  std::vector<std::unique_ptr<MasterUnderTest>> masters_;
};

}  // namespace shoal::testing
