#include "harness/master_group.h"

#include <fmt/format.h>

namespace shoal::testing {

MasterGroupUnderTest::MasterGroupUnderTest(int n, std::vector<std::string> extra) {
  std::vector<int> rpc;
  for (int i = 0; i < n; ++i) {
    rpc.push_back(freePort());
    journal_.push_back("127.0.0.1:" + std::to_string(freePort()));
  }
  std::string rpc_list;
  for (int i = 0; i < n; ++i) rpc_list += (i ? "," : "") + fmt::format("127.0.0.1:{}", rpc[i]);
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> conf{
        "shoal.master.embedded.journal.addresses=" + fmt::format("{}", fmt::join(journal_, ",")),
        "shoal.master.embedded.journal.port=" + journal_[i].substr(journal_[i].rfind(':') + 1),
        "shoal.master.rpc.addresses=" + rpc_list};
    conf.insert(conf.end(), extra.begin(), extra.end());
    masters_.push_back(std::make_unique<MasterUnderTest>(conf, rpc[i]));
  }
}

bool MasterGroupUnderTest::startAll() {
  for (auto& m : masters_) {
    if (!m->start()) return false;
  }
  return true;
}

std::string MasterGroupUnderTest::rpcAddressesConf() const {
  std::vector<std::string> all;
  for (const auto& m : masters_) all.push_back(m->address());
  return fmt::format("shoal.master.rpc.addresses={}", fmt::join(all, ","));
}

std::optional<proto::GetMasterInfoResponse> MasterGroupUnderTest::info(int i, bool digest) {
  auto r = stubs::MasterClient::masterInfoAt(rpcAddress(i), 5000, digest);
  if (!r) return std::nullopt;
  return *r;
}

int MasterGroupUnderTest::waitLeader(int seconds) {
  int leader = -1;
  eventually(
      [&] {
        for (int i = 0; i < size(); ++i) {
          auto in = info(i);
          if (in && in->role() == "leader" && in->leader_rpc_address() == rpcAddress(i)) {
            leader = i;
            return true;
          }
        }
        return false;
      },
      seconds);
  return leader;
}

std::unique_ptr<stubs::MasterClient> MasterGroupUnderTest::newClient(int64_t timeout_ms) {
  std::vector<std::string> all;
  for (const auto& m : masters_) all.push_back(m->address());
  return std::make_unique<stubs::MasterClient>(all, timeout_ms, 1000);
}

CommandResult MasterGroupUnderTest::cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv{shoalBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("-D" + rpcAddressesConf());
  return runCommand(argv);
}

bool MasterGroupUnderTest::converged(const std::vector<int>& members) {
  std::optional<proto::GetMasterInfoResponse> first;
  for (int i : members) {
    auto in = info(i, /*digest=*/true);
    if (!in) return false;
    if (!first) {
      first = in;
      continue;
    }
    if (in->applied_index() != first->applied_index() || in->namespace_digest() != first->namespace_digest() ||
        in->journal_sequence() != first->journal_sequence()) {
      return false;
    }
  }
  return true;
}

}  // namespace shoal::testing
