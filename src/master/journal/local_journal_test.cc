// Recovery of the local journal: replay, checkpoints, torn tails, corruption, concurrent writers.
#include "master/journal/local_journal.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>

#include "common/path.h"
#include "master/journal/journal_segment.h"
#include "master/journal/journal_test_util.h"
#include "master/metastore/heap/heap_inode_store.h"
#include "testing/temp_dir.h"

namespace shoal::master {
namespace {

using testing::dump;
using testing::mkdirEntry;

std::unique_ptr<StateMachine> newSm() { return std::make_unique<StateMachine>(std::make_unique<HeapInodeStore>(1)); }

proto::JournalEntry renameEntry(const std::string& a, const std::string& b) {
  proto::JournalEntry je;
  je.mutable_rename()->set_src(a);
  je.mutable_rename()->set_dst(b);
  return je;
}

std::vector<std::string> files(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    if (n.rfind(prefix, 0) == 0) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(LocalJournal, ReplayRestoresEveryAcknowledgedEntry) {
  shoal::testing::TempDir dir;
  std::vector<std::string> before;
  {
    auto sm = newSm();
    LocalJournal j(dir.path(), *sm, 1000000);
    ASSERT_TRUE(j.start().isOk());
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(j.submit(mkdirEntry("/d/" + std::to_string(i))).status.isOk());
    for (int i = 0; i < 200; i += 2) {
      ASSERT_TRUE(j.submit(renameEntry("/d/" + std::to_string(i), "/d/r" + std::to_string(i))).status.isOk());
    }
    ApplyResult bad = j.submit(renameEntry("/d/1", "/d/1/inside"));
    EXPECT_EQ(bad.status.code(), StatusCode::kInvalidArgument) << "failed entries still report their error";
    EXPECT_EQ(j.lastSequence(), 301u);
    before = dump(*sm);
  }
  auto sm = newSm();
  LocalJournal j(dir.path(), *sm, 1000000);
  ASSERT_TRUE(j.start().isOk());
  EXPECT_EQ(dump(*sm), before);
  EXPECT_EQ(j.lastSequence(), 301u);
}

TEST(LocalJournal, CheckpointsBoundTheLogAndRestoreIdentically) {
  shoal::testing::TempDir dir;
  std::vector<std::string> before;
  {
    auto sm = newSm();
    LocalJournal j(dir.path(), *sm, 25);
    ASSERT_TRUE(j.start().isOk());
    for (int i = 0; i < 110; ++i) ASSERT_TRUE(j.submit(mkdirEntry("/c/" + std::to_string(i))).status.isOk());
    before = dump(*sm);
  }
  auto checkpoints = files(dir.path(), "checkpoint-");
  ASSERT_EQ(checkpoints.size(), 1u) << "older checkpoints must be deleted";
  EXPECT_LE(files(dir.path(), "log-").size(), 2u) << "segments covered by the checkpoint must be deleted";
  auto sm = newSm();
  LocalJournal j(dir.path(), *sm, 25);
  ASSERT_TRUE(j.start().isOk());
  EXPECT_EQ(dump(*sm), before);
  ASSERT_TRUE(j.submit(mkdirEntry("/after")).status.isOk());
}

TEST(LocalJournal, TornTailIsCutAndEverythingBeforeItSurvives) {
  shoal::testing::TempDir dir;
  std::vector<std::string> before;
  {
    auto sm = newSm();
    LocalJournal j(dir.path(), *sm, 1000000);
    ASSERT_TRUE(j.start().isOk());
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(j.submit(mkdirEntry("/t/" + std::to_string(i))).status.isOk());
    before = dump(*sm);
  }
  auto segs = files(dir.path(), "log-");
  ASSERT_FALSE(segs.empty());
  // A crash mid-append: a header that promises more bytes than follow.
  std::string last;
  for (const auto& s : segs) if (std::filesystem::file_size(s) > 0) last = s;
  {
    std::ofstream out(last, std::ios::app | std::ios::binary);
    uint32_t len = 500;
    out.write(reinterpret_cast<const char*>(&len), 4);
    out.write("partial", 7);
  }
  auto sm = newSm();
  LocalJournal j(dir.path(), *sm, 1000000);
  ASSERT_TRUE(j.start().isOk());
  EXPECT_EQ(dump(*sm), before);
  EXPECT_EQ(j.lastSequence(), 20u);
  ASSERT_TRUE(j.submit(mkdirEntry("/t/more")).status.isOk());
}

TEST(LocalJournal, CorruptionBeforeTheTailStopsStartup) {
  shoal::testing::TempDir dir;
  {
    auto sm = newSm();
    LocalJournal j(dir.path(), *sm, 1000000);
    ASSERT_TRUE(j.start().isOk());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(j.submit(mkdirEntry("/x/" + std::to_string(i))).status.isOk());
  }
  {
    // A second run appends a later segment, so the first is no longer the tail.
    auto sm = newSm();
    LocalJournal j(dir.path(), *sm, 1000000);
    ASSERT_TRUE(j.start().isOk());
    ASSERT_TRUE(j.submit(mkdirEntry("/y")).status.isOk());
  }
  auto segs = files(dir.path(), "log-");
  ASSERT_GE(segs.size(), 2u);
  {
    std::fstream f(segs.front(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put('\x7f');
  }
  auto sm = newSm();
  LocalJournal j(dir.path(), *sm, 1000000);
  Status st = j.start();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find(segs.front()), std::string::npos) << st.message();
}

// The defect this guards against: four bytes flipped in the middle of the last segment were taken
// for a torn tail, and everything after them (acknowledged mkdirs) was cut off without a word.
TEST(LocalJournal, CorruptionMidLastSegmentStopsStartupAndRepairReportsWhatItDrops) {
  shoal::testing::TempDir dir;
  {
    auto sm = newSm();
    LocalJournal j(dir.path(), *sm, 1000000);
    ASSERT_TRUE(j.start().isOk());
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(j.submit(mkdirEntry("/m/" + std::to_string(i))).status.isOk());
  }
  auto segs = files(dir.path(), "log-");
  std::string last;
  for (const auto& s : segs) if (std::filesystem::file_size(s) > 0) last = s;
  ASSERT_FALSE(last.empty());
  const auto size = std::filesystem::file_size(last);
  {
    std::fstream f(last, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.write("\xde\xad\xbe\xef", 4);
  }
  std::string name = std::filesystem::path(last).filename().string();
  {
    auto sm = newSm();
    LocalJournal j(dir.path(), *sm, 1000000);
    Status st = j.start();
    ASSERT_EQ(st.code(), StatusCode::kCorruption) << st.toString();
    EXPECT_NE(st.message().find(last), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("valid records follow"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("shoal fsadmin journal repair"), std::string::npos) << st.message();
    EXPECT_EQ(std::filesystem::file_size(last), size) << "nothing was cut";
  }
  // The message names the offset; repair there drops exactly the records from the bad one on.
  auto sm_probe = newSm();
  std::string msg = LocalJournal(dir.path(), *sm_probe, 1000000).start().message();
  size_t at = msg.find("corrupt at byte ");
  ASSERT_NE(at, std::string::npos);
  uint64_t offset = std::stoull(msg.substr(at + 16));
  auto report = repairJournal(dir.path(), name, offset);
  ASSERT_TRUE(report) << report.error().toString();
  EXPECT_EQ(report->bytes_dropped, size - offset);
  EXPECT_GT(report->records_dropped, 90u) << "about half of the 200 records follow the damage";
  EXPECT_LT(report->records_dropped, 110u);
  auto sm = newSm();
  LocalJournal j(dir.path(), *sm, 1000000);
  ASSERT_TRUE(j.start().isOk());
  EXPECT_LT(j.lastSequence(), report->first_dropped_sequence);
  // Only the damaged record(s) (four bytes may straddle two) are neither kept nor reported.
  EXPECT_GE(j.lastSequence() + report->records_dropped, 198u);
  EXPECT_LE(j.lastSequence() + report->records_dropped, 199u);
  ASSERT_TRUE(j.submit(mkdirEntry("/m/after-repair")).status.isOk());
}

TEST(LocalJournal, RepairRefusesAFolderInUseAndBadArguments) {
  shoal::testing::TempDir dir;
  auto sm = newSm();
  LocalJournal j(dir.path(), *sm, 1000000);
  ASSERT_TRUE(j.start().isOk());
  ASSERT_TRUE(j.submit(mkdirEntry("/a")).status.isOk());
  std::string name = std::filesystem::path(files(dir.path(), "log-").back()).filename().string();
  auto busy = repairJournal(dir.path(), name, 0);
  ASSERT_FALSE(busy);
  EXPECT_NE(busy.error().message().find("in use by a running master"), std::string::npos);
  j.stop();
  EXPECT_EQ(repairJournal(dir.path(), "log-nope", 0).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(repairJournal(dir.path(), name, 1 << 30).error().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(repairJournal(dir.sub("missing"), name, 0));
}

TEST(LocalJournal, FilesThatOnlyLookLikeSegmentsAreIgnored) {
  shoal::testing::TempDir dir;
  dir.write("log-0000000000000000000x", "not ours");
  dir.write("log-1", "not ours");
  auto sm = newSm();
  LocalJournal j(dir.path(), *sm, 1000000);
  ASSERT_TRUE(j.start().isOk()) << "a stray name once threw std::invalid_argument out of start-up";
  ASSERT_TRUE(j.submit(mkdirEntry("/ok")).status.isOk());
}

TEST(LocalJournal, OneMasterPerFolder) {
  shoal::testing::TempDir dir;
  auto sm1 = newSm();
  LocalJournal j1(dir.path(), *sm1, 100);
  ASSERT_TRUE(j1.start().isOk());
  auto sm2 = newSm();
  LocalJournal j2(dir.path(), *sm2, 100);
  Status st = j2.start();
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("in use by another master"), std::string::npos);
}

TEST(LocalJournal, ConcurrentSubmittersAreAllAppliedOnce) {
  shoal::testing::TempDir dir;
  std::vector<std::string> before;
  {
    auto sm = newSm();
    LocalJournal j(dir.path(), *sm, 300);
    ASSERT_TRUE(j.start().isOk());
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 100; ++i) {
          if (!j.submit(mkdirEntry("/p/" + std::to_string(t) + "/" + std::to_string(i))).status.isOk()) ++failures;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(j.lastSequence(), 800u);
    before = dump(*sm);
    EXPECT_EQ(before.size(), 1u + 1 + 8 + 800);
  }
  auto sm = newSm();
  LocalJournal j(dir.path(), *sm, 300);
  ASSERT_TRUE(j.start().isOk());
  EXPECT_EQ(dump(*sm), before);
}

}  // namespace
}  // namespace shoal::master
