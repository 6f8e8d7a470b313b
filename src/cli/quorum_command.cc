// The Raft group's administration: `shoal fsadmin journal quorum info|transferLeader|add|remove`
// and `shoal fs leader`. Info asks every master in shoal.master.rpc.addresses for its own view
// (any master answers GetMasterInfo), so a member that is behind, down or misconfigured shows as such.
#include <iostream>
#include <map>

#include "cli/cli.h"

namespace shoal::cli {
namespace {

void printQuorum(CliContext& ctx) {
  const int64_t timeout = ctx.master().timeoutMs();
  std::map<std::string, proto::GetMasterInfoResponse> by_journal;  // journal address -> its own view
  std::vector<std::pair<std::string, Status>> unreachable;
  std::optional<proto::GetMasterInfoResponse> leader;
  for (const auto& rpc : ctx.master().addresses()) {
    auto info = stubs::MasterClient::masterInfoAt(rpc, timeout);
    if (!info) {
      unreachable.emplace_back(rpc, info.error());
      continue;
    }
    if (info->role() == "local") {
      std::cout << fmt::format("Journal: local (a single master at {}; no quorum)\n", rpc);
      return;
    }
    by_journal[info->journal_address().empty() ? rpc : info->journal_address()] = *info;
    if (info->role() == "leader") leader = *info;
  }
  if (!leader) {
    std::cout << "Leader:  none known (no quorum of masters reachable, or an election under way)\n";
  } else {
    std::cout << fmt::format("Leader:  {} (journal {}), term {}, commit index {}\n", leader->rpc_address(),
                             leader->leader_journal_address(), leader->term(), leader->commit_index());
  }
  std::cout << fmt::format("{:<22} {:<22} {:<10} {:>6} {:>10} {:>10} {:>10} {:>8}  {}\n", "JOURNAL ADDRESS",
                           "RPC ADDRESS", "ROLE", "TERM", "LAST", "APPLIED", "MATCH", "LAG", "NOTE");
  // The leader's member list is the truth; without a leader, every member any master knows.
  std::vector<proto::QuorumMember> members;
  if (leader) members.assign(leader->members().begin(), leader->members().end());
  else for (const auto& [j, info] : by_journal) for (const auto& m : info.members()) {
    bool seen = false;
    for (const auto& x : members) seen |= x.address() == m.address();
    if (!seen) members.push_back(m);
  }
  for (const auto& m : members) {
    auto it = by_journal.find(m.address());
    std::string match = leader ? std::to_string(m.match_index()) : "-";
    if (it == by_journal.end()) {
      std::cout << fmt::format("{:<22} {:<22} {:<10} {:>6} {:>10} {:>10} {:>10} {:>8}  {}\n", m.address(), "-",
                               "unreachable", "-", "-", "-", match, "-", m.voter() ? "" : "not a voter");
      continue;
    }
    const auto& i = it->second;
    std::string lag = leader ? std::to_string(leader->applied_index() > i.applied_index()
                                                  ? leader->applied_index() - i.applied_index() : 0)
                             : "-";
    std::string note = i.config_error().empty() ? (m.voter() ? "" : "not a voter") : i.config_error();
    std::cout << fmt::format("{:<22} {:<22} {:<10} {:>6} {:>10} {:>10} {:>10} {:>8}  {}\n", m.address(),
                             i.rpc_address(), i.role(), i.term(), i.last_index(), i.applied_index(), match, lag, note);
  }
  for (const auto& [rpc, st] : unreachable) std::cout << fmt::format("unreachable: {}: {}\n", rpc, st.message());
}

}  // namespace

void registerQuorumCommands(CLI::App& fsadmin, CliContext& ctx) {
  auto* journal = fsadmin.add_subcommand("journal", "The masters' replicated journal");
  journal->require_subcommand(1);
  registerJournalRepairCommand(*journal, ctx);
  auto* quorum = journal->add_subcommand("quorum", "The Raft group of masters: members, leader, membership");
  quorum->require_subcommand(1);
  quorum->add_subcommand("info", "Members, leader, term, and each member's log, applied index and lag")
      ->callback([&ctx] { printQuorum(ctx); });

  static std::string address;
  auto* transfer = quorum->add_subcommand("transferLeader", "Make the member with this journal address the leader");
  transfer->add_option("--address", address, "journal address (host:port) of the new leader")->required();
  transfer->callback([&ctx] {
    auto leader = ctx.master().transferLeader(address);
    if (!leader) return ctx.fail("fsadmin journal quorum transferLeader", leader.error());
    std::cout << fmt::format("{} leads now{}\n", address, leader->empty() ? "" : " (RPC " + *leader + ")");
  });
  auto* add = quorum->add_subcommand("add", "Add a master (by journal address) to the group as a voter");
  add->add_option("--address", address, "journal address (host:port) of the master to add")->required();
  add->callback([&ctx] {
    Status st = ctx.master().changeQuorum(address, true);
    if (!st) return ctx.fail("fsadmin journal quorum add", st);
    std::cout << fmt::format("{} is a member\n", address);
  });
  auto* remove = quorum->add_subcommand("remove", "Remove a master (by journal address) from the group");
  remove->add_option("--address", address, "journal address (host:port) of the master to remove")->required();
  remove->callback([&ctx] {
    Status st = ctx.master().changeQuorum(address, false);
    if (!st) return ctx.fail("fsadmin journal quorum remove", st);
    std::cout << fmt::format("{} is no longer a member\n", address);
  });
}

void registerFsLeaderCommand(CLI::App& fs, CliContext& ctx) {
  fs.add_subcommand("leader", "Print the leading master's RPC address (host:port)")->callback([&ctx] {
    // The leader's own word first; a follower's knowledge of it otherwise.
    std::string leader, heard;
    Status last;
    for (const auto& rpc : ctx.master().addresses()) {
      auto info = stubs::MasterClient::masterInfoAt(rpc, ctx.master().timeoutMs());
      if (!info) {
        last = info.error();
        continue;
      }
      if (info->role() == "local") leader = info->rpc_address().empty() ? rpc : info->rpc_address();
      else if (info->role() == "leader" && info->leader_rpc_address() == info->rpc_address()) leader = info->rpc_address();
      else if (heard.empty()) heard = info->leader_rpc_address();
      if (!leader.empty()) break;
    }
    if (leader.empty()) leader = heard;
    if (leader.empty()) {
      return ctx.fail("fs leader", last.isOk() ? Status(StatusCode::kUnavailable,
                                                        "no master knows a leader: no quorum of masters is reachable, "
                                                        "or an election is under way")
                                               : last);
    }
    std::cout << leader << "\n";
  });
}

}  // namespace shoal::cli
