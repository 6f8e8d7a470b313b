// Highly available masters, measured: three real `shoal master` processes in a Raft group on
// 127.0.0.1. Mutation throughput through Raft is judged against one master with the local journal
// (also a real process) under the same load; failover is timed from SIGKILL of the leader to the
// first mutation a client gets acknowledged, over several rounds, each after the killed master
// has rejoined and caught up.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include "stubs/master_client.h"
#include "harness/process.h"
#include "scenarios.h"
#include "testing/free_port.h"

namespace shoal::bench {
namespace {

using Clock = std::chrono::steady_clock;
using testing::freeLoopbackPort;

struct Group {
  std::string dir, bin;
  std::vector<std::string> rpc, journal;
  std::vector<std::unique_ptr<testing::ChildProcess>> procs;

  std::vector<std::string> argv(size_t i) const {
    return {bin, "master", "-Dshoal.master.rpc.port=" + rpc[i].substr(rpc[i].rfind(':') + 1),
            "-Dshoal.master.journal.folder=" + dir + "/m" + std::to_string(i),
            "-Dshoal.master.embedded.journal.addresses=" + fmt::format("{}", fmt::join(journal, ",")),
            "-Dshoal.master.embedded.journal.port=" + journal[i].substr(journal[i].rfind(':') + 1),
            "-Dshoal.master.web.port=0", "-Dshoal.log.dir=" + dir + "/logs", "-Dshoal.log.level=warn"};
  }
  void start(size_t i) {
    procs[i] = std::make_unique<testing::ChildProcess>();
    if (!procs[i]->start(argv(i), dir + "/m" + std::to_string(i) + ".log")) throw std::runtime_error("ha: cannot start a master");
    if (!testing::eventually([&] { return stubs::MasterClient::masterInfoAt(rpc[i], 1000).has_value(); }, 30)) {
      throw std::runtime_error("ha: master " + rpc[i] + " did not answer (see " + dir + ")");
    }
  }
  int leader() {
    for (size_t i = 0; i < rpc.size(); ++i) {
      auto in = stubs::MasterClient::masterInfoAt(rpc[i], 1000);
      if (in && in->role() == "leader" && in->leader_rpc_address() == rpc[i]) return static_cast<int>(i);
    }
    return -1;
  }
  bool caughtUp() {
    uint64_t applied = 0;
    for (size_t i = 0; i < rpc.size(); ++i) {
      auto in = stubs::MasterClient::masterInfoAt(rpc[i], 1000);
      if (!in) return false;
      if (i > 0 && in->applied_index() != applied) return false;
      applied = in->applied_index();
    }
    return true;
  }
};

}  // namespace

std::string shoalBinary() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  auto bin = self.parent_path() / "shoal";
  if (ec || !std::filesystem::exists(bin)) throw std::runtime_error("the shoal binary is not beside shoal-bench");
  return bin.string();
}

std::vector<Figure> runHaScenario(const HaSpec& spec) {
  char tmpl[] = "/tmp/shoal-bench-ha-XXXXXX";
  Group g;
  g.dir = mkdtemp(tmpl);
  g.bin = shoalBinary();
  for (int i = 0; i < 3; ++i) {
    g.rpc.push_back(fmt::format("127.0.0.1:{}", freeLoopbackPort()));
    g.journal.push_back(fmt::format("127.0.0.1:{}", freeLoopbackPort()));
  }
  g.procs.resize(3);
  for (size_t i = 0; i < 3; ++i) g.start(i);
  if (!testing::eventually([&] { return g.leader() >= 0; }, 30)) throw std::runtime_error("ha: no leader elected (see " + g.dir + ")");
  stubs::MasterClient client(g.rpc, 30000, 1000);
  std::vector<Figure> out;

  Figure raft = runLoad("ha.raft.mkdir", spec.load, [&](int, uint64_t i) {
    return client.createDirectory(fmt::format("/raft{}", i), false).has_value();
  });
  raft.baseline = "ha.local.mkdir";
  raft.params["masters"] = "3";
  {
    testing::ChildProcess local;
    std::string port = std::to_string(freeLoopbackPort());
    if (!local.start({g.bin, "master", "-Dshoal.master.rpc.port=" + port, "-Dshoal.master.journal.folder=" + g.dir + "/local",
                      "-Dshoal.master.web.port=0", "-Dshoal.log.dir=" + g.dir + "/logs", "-Dshoal.log.level=warn"},
                     g.dir + "/local.log")) {
      throw std::runtime_error("ha: cannot start the single master");
    }
    stubs::MasterClient single("127.0.0.1:" + port, 30000, 1000);
    if (!testing::eventually([&] { return single.masterInfo().has_value(); }, 30)) throw std::runtime_error("ha: the single master did not answer");
    Figure one = runLoad("ha.local.mkdir", spec.load, [&](int, uint64_t i) {
      return single.createDirectory(fmt::format("/local{}", i), false).has_value();
    });
    one.params["masters"] = "1";
    out.push_back(one);
    local.stop(SIGTERM);
  }
  out.push_back(raft);

  std::vector<double> ms;
  for (int r = 0; r < spec.rounds; ++r) {
    int l = -1;
    if (!testing::eventually([&] { return (l = g.leader()) >= 0; }, 30)) throw std::runtime_error("ha: no leader before round " + std::to_string(r));
    g.procs[l]->stop(SIGKILL);
    auto t0 = Clock::now();
    auto made = client.createDirectory(fmt::format("/failover{}", r), false);
    auto t1 = Clock::now();
    if (!made) throw std::runtime_error("ha: no mutation succeeded after killing the leader: " + made.error().toString());
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    g.start(static_cast<size_t>(l));
    if (!testing::eventually([&] { return g.caughtUp(); }, 60)) throw std::runtime_error("ha: the restarted master did not catch up");
  }
  for (auto& p : g.procs) p->stop(SIGTERM);
  std::filesystem::remove_all(g.dir);

  std::sort(ms.begin(), ms.end());
  Figure f;
  f.scenario = "ha.failover";
  f.ops = ms.size();
  f.params["rounds"] = std::to_string(spec.rounds);
  f.params["election_timeout"] = "default";
  if (!ms.empty()) {
    for (double m : ms) f.seconds += m / 1000;
    f.ops_per_sec = static_cast<double>(ms.size()) / f.seconds;  // failovers per second of outage
    f.extra["min_ms"] = ms.front();
    f.extra["median_ms"] = ms[ms.size() / 2];
    f.extra["max_ms"] = ms.back();
    f.p50_us = ms[ms.size() / 2] * 1000;
    f.max_us = ms.back() * 1000;
  }
  out.push_back(f);
  return out;
}

}  // namespace shoal::bench
