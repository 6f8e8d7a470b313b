// kill -9 of the master in the middle of 1,000 mkdir/rename operations from four clients: after a
// restart, every acknowledged operation is there, and the namespace matches what the clients were
// told (an operation whose answer was lost may or may not have happened, but never half).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <mutex>
#include <set>
#include <thread>

#include "harness/master_cluster.h"

namespace shoal::testing {
namespace {

constexpr int kClients = 4;
constexpr int kOpsPerClient = 250;

struct ClientLog {
  // Per directory index: 0 nothing acknowledged, 1 mkdir acknowledged, 2 rename acknowledged.
  std::vector<int> state = std::vector<int>(kOpsPerClient / 2, 0);
  int done = 0;  // operations finished (acknowledged or settled after restart)
};

// Operation i of a client: even i creates d<i/2>, odd i renames it to r<i/2>.
Status runOp(stubs::MasterClient& c, int client, int i) {
  std::string base = "/crash/c" + std::to_string(client) + "/";
  int n = i / 2;
  if (i % 2 == 0) {
    auto r = c.createDirectory(base + "d" + std::to_string(n), false);
    return r ? Status::ok() : r.error();
  }
  return c.rename(base + "d" + std::to_string(n), base + "r" + std::to_string(n));
}

TEST(MasterCrash, EveryAcknowledgedOperationSurvivesKill9) {
  MasterUnderTest master({"shoal.master.journal.checkpoint.period.entries=300"});
  ASSERT_TRUE(master.start()) << master.log();
  for (int c = 0; c < kClients; ++c) {
    ASSERT_TRUE(master.client().createDirectory("/crash/c" + std::to_string(c), true));
  }
  std::vector<ClientLog> logs(kClients);
  std::atomic<int> acked{0};
  std::atomic<bool> killed{false};

  // Phase 1: clients run until the master dies under them.
  {
    std::vector<std::thread> threads;
    for (int c = 0; c < kClients; ++c) {
      threads.emplace_back([&, c] {
        stubs::MasterClient cl(master.address(), 5000, 1000);
        for (int i = 0; i < kOpsPerClient; ++i) {
          if (!runOp(cl, c, i).isOk()) return;  // the master is gone; op i is unknown
          logs[c].state[i / 2] = i % 2 == 0 ? 1 : 2;
          logs[c].done = i + 1;
          ++acked;
        }
      });
    }
    // Kill once a good share of the work is acknowledged (condition, with a deadline).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (acked < 300 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    ASSERT_GE(acked.load(), 300) << "clients made too little progress";
    master.kill9();
    killed = true;
    for (auto& t : threads) t.join();
  }
  ASSERT_LT(acked.load(), kClients * kOpsPerClient) << "the kill came after all work was done";

  ASSERT_TRUE(master.start()) << master.log();
  auto check = [&](int c, int n, int state) {
    std::string base = "/crash/c" + std::to_string(c) + "/";
    bool d = master.client().getStatus(base + "d" + std::to_string(n)).has_value();
    bool r = master.client().getStatus(base + "r" + std::to_string(n)).has_value();
    if (state == 1) {
      EXPECT_TRUE(d || r) << "acknowledged mkdir lost: " << base << "d" << n;
    }
    if (state == 2) {
      EXPECT_TRUE(r) << "acknowledged rename lost: " << base << "r" << n;
      EXPECT_FALSE(d) << "acknowledged rename half-applied: " << base << "d" << n;
    }
    EXPECT_FALSE(d && r) << "a directory exists under both names: " << base << n;
  };
  for (int c = 0; c < kClients; ++c) {
    for (int n = 0; n < kOpsPerClient / 2; ++n) check(c, n, logs[c].state[n]);
  }

  // Phase 2: settle the operation in flight at the kill, finish the rest, and verify all 1,000.
  for (int c = 0; c < kClients; ++c) {
    stubs::MasterClient& cl = master.client();
    for (int i = logs[c].done; i < kOpsPerClient; ++i) {
      Status st = runOp(cl, c, i);
      // The op in flight at the kill may already have been applied before the crash.
      bool settled = st.isOk() || (i == logs[c].done && (st.code() == StatusCode::kAlreadyExists ||
                                                         st.code() == StatusCode::kNotFound));
      ASSERT_TRUE(settled) << "op " << i << " of client " << c << ": " << st.toString();
      logs[c].state[i / 2] = i % 2 == 0 ? 1 : 2;
    }
  }
  for (int c = 0; c < kClients; ++c) {
    auto entries = master.client().listAll("/crash/c" + std::to_string(c));
    ASSERT_TRUE(entries);
    EXPECT_EQ(entries->size(), static_cast<size_t>(kOpsPerClient / 2));
    for (const auto& e : *entries) EXPECT_EQ(e.name()[0], 'r') << e.path();
  }
  // And once more across a clean restart.
  ASSERT_TRUE(master.restart()) << master.log();
  for (int c = 0; c < kClients; ++c) {
    for (int n = 0; n < kOpsPerClient / 2; ++n) check(c, n, 2);
  }
}

// The reported defect: 200 acknowledged mkdirs, kill -9, four bytes flipped in the middle of the
// last journal segment, and the master started with about half of them gone and no word in its
// log. Now it refuses to start and names the segment, the offset and the way out; the repair
// command reports what it drops, and the master then starts with exactly the rest.
TEST(MasterCrash, CorruptionInsideTheLastSegmentIsRefusedNotSilentlyCut) {
  MasterUnderTest master({"shoal.master.journal.checkpoint.period.entries=100000"});
  ASSERT_TRUE(master.start()) << master.log();
  for (int i = 0; i < 200; ++i) {
    auto r = master.client().createDirectory("/acked/d" + std::to_string(i), true);
    ASSERT_TRUE(r) << r.error().toString();
  }
  master.kill9();
  std::string last;
  uintmax_t size = 0;
  for (const auto& e : std::filesystem::directory_iterator(master.journalDir())) {
    std::string name = e.path().filename().string();
    if (name.rfind("log-", 0) == 0 && e.file_size() > 0 && name > std::filesystem::path(last).filename().string()) {
      last = e.path().string();
      size = e.file_size();
    }
  }
  ASSERT_FALSE(last.empty());
  {
    std::fstream f(last, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.write("\x01\x02\x03\x04", 4);
  }
  EXPECT_FALSE(master.start()) << "the master must not start on a journal that lost acknowledged changes";
  std::string log = master.log();
  EXPECT_NE(log.find(last), std::string::npos) << log;
  EXPECT_NE(log.find("valid records follow"), std::string::npos) << log;
  size_t at = log.find("--truncate-at ");
  ASSERT_NE(at, std::string::npos) << log;
  std::string offset = log.substr(at + 14, log.find_first_not_of("0123456789", at + 14) - at - 14);
  std::string segment = std::filesystem::path(last).filename().string();

  // Bad usage first: the options in any order, one missing.
  auto missing = master.cli({"fsadmin", "journal", "repair", "--journal-dir", master.journalDir()});
  EXPECT_EQ(missing.exit_code, 2) << missing.out << missing.err;
  auto repaired = master.cli(
      {"fsadmin", "journal", "repair", "--truncate-at", offset, "--segment", segment, "--journal-dir", master.journalDir()});
  ASSERT_EQ(repaired.exit_code, 0) << repaired.out << repaired.err;
  EXPECT_NE(repaired.out.find("valid records"), std::string::npos) << repaired.out;
  EXPECT_NE(repaired.out.find("these changes are lost"), std::string::npos) << repaired.out;

  ASSERT_TRUE(master.start()) << master.log();
  auto entries = master.client().listAll("/acked");
  ASSERT_TRUE(entries) << entries.error().toString();
  EXPECT_GT(entries->size(), 50u);
  EXPECT_LT(entries->size(), 150u);
  // What survived is a prefix of what was acknowledged: d0..d(n-1), nothing out of order.
  std::set<std::string> names;
  for (const auto& e : *entries) names.insert(e.name());
  for (size_t i = 0; i < entries->size(); ++i) EXPECT_TRUE(names.count("d" + std::to_string(i))) << i;
}

}  // namespace
}  // namespace shoal::testing
