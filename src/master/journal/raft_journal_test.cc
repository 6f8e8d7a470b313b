// Three Raft journals in one process on 127.0.0.1: one leads, every member applies the same
// entries, a follower refuses writes naming the leader, the group survives its leader stopping,
// and a member restarted on its folder catches up. Bad configurations are refused at start.
#include "master/journal/raft_journal.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <thread>

#include "master/journal/journal_test_util.h"
#include "master/metastore/heap/heap_inode_store.h"
#include "testing/free_port.h"
#include "testing/temp_dir.h"

namespace shoal::master {
namespace {

using testing::dump;
using testing::mkdirEntry;

bool eventually(const std::function<bool()>& cond, int seconds = 30) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

struct Member {
  std::unique_ptr<StateMachine> sm;
  std::unique_ptr<RaftJournal> journal;
};

class RaftJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) addresses_.push_back("127.0.0.1:" + std::to_string(shoal::testing::freeLoopbackPort()));
    for (int i = 0; i < 3; ++i) members_.emplace_back();
    for (int i = 0; i < 3; ++i) {
      Status st = startMember(i);
      ASSERT_TRUE(st.isOk()) << st.toString();
    }
  }
  void TearDown() override {
    for (auto& m : members_) if (m.journal) m.journal->stop();
  }
  Status startMember(int i) {
    members_[i].journal.reset();
    members_[i].sm = std::make_unique<StateMachine>(std::make_unique<HeapInodeStore>(1));
    RaftJournalConfig c;
    c.folder = dir_.sub("m" + std::to_string(i));
    c.addresses = addresses_;
    c.self = addresses_[i];
    c.rpc_address = "rpc" + std::to_string(i);
    c.election_timeout = std::chrono::milliseconds(300);
    c.heartbeat_timeout = std::chrono::milliseconds(50);
    c.snapshot_threshold = 16;  // small: the restart below goes through snapshots
    c.install_snapshot_timeout = std::chrono::milliseconds(1000);
    members_[i].journal = std::make_unique<RaftJournal>(c, *members_[i].sm);
    return members_[i].journal->start();
  }
  int leader() {
    for (int i = 0; i < 3; ++i) {
      if (members_[i].journal && members_[i].journal->state().leader) return i;
    }
    return -1;
  }
  int waitLeader() {
    int l = -1;
    EXPECT_TRUE(eventually([&] { return (l = leader()) >= 0; })) << "no leader elected";
    return l;
  }

  shoal::testing::TempDir dir_{"shoal-raft"};
  std::vector<std::string> addresses_;
  std::vector<Member> members_;
};

TEST_F(RaftJournalTest, MembersApplyTheSameEntriesAndFollowersNameTheLeader) {
  int l = waitLeader();
  ASSERT_GE(l, 0);
  std::vector<std::thread> writers;
  std::atomic<int> failed{0};
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (!members_[l].journal->submit(mkdirEntry(fmt::format("/t{}/d{}", t, i))).status.isOk()) ++failed;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(failed.load(), 0);
  auto want = dump(*members_[l].sm);
  EXPECT_EQ(want.size(), 405u);  // root, 4 parents, 400 directories
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(eventually([&] { return dump(*members_[i].sm) == want; })) << "member " << i << " differs";
  }
  int f = (l + 1) % 3;
  auto r = members_[f].journal->submit(mkdirEntry("/refused"));
  ASSERT_FALSE(r.status.isOk());
  EXPECT_EQ(r.status.code(), StatusCode::kNotLeader);
  EXPECT_NE(r.status.message().find("the leader is rpc" + std::to_string(l)), std::string::npos) << r.status.toString();
  EXPECT_EQ(members_[f].journal->leaderRpcAddress(), "rpc" + std::to_string(l));
  EXPECT_FALSE(members_[f].journal->servingStatus().isOk());
  EXPECT_TRUE(members_[l].journal->servingStatus().isOk());
}

TEST_F(RaftJournalTest, LeadershipMovesToEachMemberOnRequestAndNonMembersAreRefused) {
  int l = waitLeader();
  ASSERT_GE(l, 0);
  for (int step = 1; step <= 3; ++step) {
    int target = (l + 1) % 3;
    Status st = members_[l].journal->transferLeader(addresses_[target]);
    ASSERT_TRUE(st.isOk()) << st.toString();
    ASSERT_TRUE(eventually([&] { return members_[target].journal->state().leader; })) << "member " << target;
    auto r = members_[target].journal->submit(mkdirEntry("/after" + std::to_string(step)));
    EXPECT_TRUE(r.status.isOk()) << r.status.toString();
    l = target;
  }
  Status st = members_[l].journal->transferLeader("127.0.0.1:1");
  ASSERT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("127.0.0.1:1 is not a member of the quorum"), std::string::npos) << st.toString();
  st = members_[l].journal->transferLeader(addresses_[l]);
  EXPECT_NE(st.message().find("already leads"), std::string::npos) << st.toString();
  st = members_[(l + 1) % 3].journal->transferLeader(addresses_[l]);
  EXPECT_EQ(st.code(), StatusCode::kNotLeader) << st.toString();
}

TEST_F(RaftJournalTest, AMemberRemovedAndAddedBackCatchesUp) {
  int l = waitLeader();
  ASSERT_GE(l, 0);
  int f = (l + 1) % 3;
  Status st = members_[l].journal->removeMember(addresses_[f]);
  ASSERT_TRUE(st.isOk()) << st.toString();
  EXPECT_EQ(members_[l].journal->state().members.size(), 2u);
  st = members_[l].journal->removeMember(addresses_[l]);
  EXPECT_NE(st.message().find("transfer the leadership"), std::string::npos) << st.toString();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(members_[l].journal->submit(mkdirEntry("/two/" + std::to_string(i))).status.isOk());
  st = members_[l].journal->addMember(addresses_[f]);
  ASSERT_TRUE(st.isOk()) << st.toString();
  st = members_[l].journal->addMember(addresses_[f]);
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.toString();
  auto s = members_[l].journal->state();
  ASSERT_EQ(s.members.size(), 3u);
  for (const auto& m : s.members) EXPECT_TRUE(m.voter) << m.address;
  auto want = dump(*members_[l].sm);
  EXPECT_TRUE(eventually([&] { return dump(*members_[f].sm) == want; })) << "the re-added member did not catch up";
}

TEST_F(RaftJournalTest, LeaderStopsAnotherLeadsAndTheRestartedMemberCatchesUp) {
  int l = waitLeader();
  ASSERT_GE(l, 0);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(members_[l].journal->submit(mkdirEntry("/a/" + std::to_string(i))).status.isOk());
  members_[l].journal->stop();
  members_[l].journal.reset();
  int l2 = waitLeader();
  ASSERT_GE(l2, 0);
  ASSERT_NE(l2, l);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(members_[l2].journal->submit(mkdirEntry("/b/" + std::to_string(i))).status.isOk());
  Status restarted = startMember(l);
  ASSERT_TRUE(restarted.isOk()) << restarted.toString();
  auto want = dump(*members_[l2].sm);
  EXPECT_TRUE(eventually([&] { return dump(*members_[l].sm) == want; })) << "the restarted member did not catch up";
}

TEST(RaftJournalConfig, AMemberNotInTheListOrAListWithDuplicatesIsRefused) {
  shoal::testing::TempDir dir("shoal-raft-bad");
  StateMachine sm(std::make_unique<HeapInodeStore>(1));
  RaftJournal j(RaftJournalConfig{.folder = dir.path(), .addresses = {"127.0.0.1:1", "127.0.0.1:2"}, .self = "127.0.0.1:3"}, sm);
  Status st = j.start();
  ASSERT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("127.0.0.1:3 is not in the journal addresses"), std::string::npos) << st.toString();
  RaftJournal d(RaftJournalConfig{.folder = dir.path(), .addresses = {"127.0.0.1:1", "127.0.0.1:1"}, .self = "127.0.0.1:1"}, sm);
  st = d.start();
  ASSERT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("twice"), std::string::npos) << st.toString();
}

}  // namespace
}  // namespace shoal::master
