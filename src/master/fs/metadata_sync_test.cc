// Metadata sync decisions, end to end inside one process: a real FileSystemMaster over a real
// journal and a real local store, counted by the instrumenting decorator.
#include <filesystem>
#include <gtest/gtest.h>
#include <thread>

#include "master/fs/file_system_master.h"
#include "master/journal/local_journal.h"
#include "master/metastore/heap/heap_inode_store.h"
#include "testing/temp_dir.h"
#include "ufs/instrumented_ufs.h"
#include "ufs/local/local_ufs.h"

namespace shoal::master {
namespace {

using shoal::testing::TempDir;

TEST(SyncDue, FollowsTheIntervalRules) {
  EXPECT_FALSE(syncDue(0, 1'000'000'000, -1));
  EXPECT_TRUE(syncDue(999'000, 1'000'000, 0));
  EXPECT_FALSE(syncDue(900'000, 1'000'000, 200));
  EXPECT_TRUE(syncDue(800'000, 1'000'000, 200));
}

TEST(SyncCoordinator, ConcurrentCallersShareOneRun) {
  SyncCoordinator c;
  std::atomic<int> runs{0};
  std::vector<std::thread> threads;
  std::vector<Status> results(8);
  std::atomic<bool> started{false};
  // The first caller's fn holds until the other seven are waiting on it (deadline 20 s).
  auto fn = [&] {
    ++runs;
    started = true;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (c.waiters() < 7 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    return Status(StatusCode::kUnavailable, "store down");
  };
  threads.emplace_back([&] { results[0] = c.run("k", fn); });
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!started && std::chrono::steady_clock::now() < until) std::this_thread::yield();
  EXPECT_TRUE(started) << "the first caller never started";
  for (int i = 1; i < 8; ++i) threads.emplace_back([&, i] { results[i] = c.run("k", fn); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
  for (const auto& r : results) EXPECT_EQ(r.message(), "store down") << "waiters must get the runner's result";
  EXPECT_TRUE(c.run("k", [] { return Status::ok(); }).isOk()) << "a finished key runs again";
}

class MetadataSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_dir_.write("a/b/c/deep.txt", "deep");
    store_dir_.write("a/one.txt", "1");
    store_dir_.write("top.txt", "top");
    ufs::registerBuiltinUfs(registry_);
    // The real local backend, counted by the real decorator; the registry wraps it once more.
    ASSERT_TRUE(registry_
                    .add("counted",
                         [this](const ufs::UfsUri& uri, const ufs::UfsOptions&) -> Result<std::unique_ptr<ufs::Ufs>> {
                           auto inner = std::make_unique<ufs::LocalUfs>(uri.toString(), uri.path);
                           auto counted = std::make_unique<ufs::InstrumentedUfs>(std::move(inner));
                           counters_ = &counted->counters();
                           return std::unique_ptr<ufs::Ufs>(std::move(counted));
                         })
                    .isOk());
    restart();
    ASSERT_TRUE(fs_->mount(who_, "/", "counted://" + store_dir_.path(), false, {}).isOk());
  }

  void restart() {
    fs_.reset();
    counters_ = nullptr;  // they died with the store connection; the next one starts from zero
    if (journal_) journal_->stop();
    journal_.reset();
    sm_ = std::make_unique<StateMachine>(std::make_unique<HeapInodeStore>(1));
    journal_ = std::make_unique<LocalJournal>(journal_dir_.path(), *sm_, 1000);
    ASSERT_TRUE(journal_->start().isOk());
    fs_ = std::make_unique<FileSystemMaster>(conf_, *sm_, *journal_, registry_);
  }

  uint64_t lists() const { return counters_ ? counters_->list.load() : 0; }
  uint64_t stats() const { return counters_ ? counters_->get_status.load() : 0; }

  TempDir store_dir_{"shoal-sync-store"};
  TempDir journal_dir_{"shoal-sync-journal"};
  Configuration conf_;
  ufs::UfsRegistry registry_;
  const ufs::UfsCounters* counters_ = nullptr;
  std::unique_ptr<StateMachine> sm_;
  std::unique_ptr<LocalJournal> journal_;
  std::unique_ptr<FileSystemMaster> fs_;
  CallerIdentity who_{"tester", "testers"};
};

// A name the store holds but Shoal cannot ("..", a control character, over 255 bytes in S3) was
// journaled again on every sync (and failed each time). It is skipped, counted and logged once,
// and a sync that finds nothing else new journals nothing.
TEST_F(MetadataSyncTest, NamesShoalCannotHoldAreSkippedCountedOnceAndNeverJournaled) {
  store_dir_.write("odd/line\nbreak.txt", "x");
  store_dir_.write("odd/esc\x1b[0m.txt", "x");
  store_dir_.write("odd/fine.txt", "fine");
  auto listed = fs_->listStatus("/odd", "", 0, 0);
  ASSERT_TRUE(listed) << listed.error().toString();
  ASSERT_EQ(listed->entries.size(), 1u);
  EXPECT_EQ(listed->entries[0].name(), "fine.txt");
  EXPECT_EQ(fs_->unholdableStoreNames(), 2u);
  uint64_t seq = fs_->journalSequence();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(fs_->listStatus("/odd", "", 0, 0));
  EXPECT_EQ(fs_->journalSequence(), seq) << "an unchanged directory with odd names must cost no journal write";
  EXPECT_EQ(fs_->unholdableStoreNames(), 2u) << "counted once per name, not per sync";
}

TEST_F(MetadataSyncTest, LoadsLazilyOneListingPerDirectory) {
  uint64_t l0 = lists();
  auto deep = fs_->getStatus("/a/b/c/deep.txt", std::nullopt);
  ASSERT_TRUE(deep) << deep.error().toString();
  EXPECT_EQ(deep->size(), 4u);
  EXPECT_TRUE(deep->persisted());
  EXPECT_EQ(lists() - l0, 4u) << "/, /a, /a/b, /a/b/c are each listed once";
  uint64_t l1 = lists(), s1 = stats();
  ASSERT_TRUE(fs_->getStatus("/a/one.txt", std::nullopt));
  ASSERT_TRUE(fs_->listStatus("/a", "", 0, std::nullopt));
  EXPECT_EQ(fs_->getStatus("/a/missing", std::nullopt).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(lists(), l1) << "interval -1: loaded directories are not listed again";
  EXPECT_EQ(stats(), s1) << "interval -1: no store calls once loaded";
}

TEST_F(MetadataSyncTest, NeverIntervalHidesStoreChangesUntilAskedOtherwise) {
  ASSERT_TRUE(fs_->listStatus("/", "", 0, std::nullopt));
  store_dir_.write("new.txt", "fresh");
  EXPECT_EQ(fs_->getStatus("/new.txt", std::nullopt).error().code(), StatusCode::kNotFound);
  auto seen = fs_->getStatus("/new.txt", 0);
  ASSERT_TRUE(seen) << "a per-call interval of 0 must read the store";
  EXPECT_EQ(seen->size(), 5u);
}

TEST_F(MetadataSyncTest, LongIntervalDoesNotSyncBeforeItExpires) {
  ASSERT_TRUE(fs_->getStatus("/top.txt", 3'600'000));
  store_dir_.write("top.txt", "changed content");
  auto stale = fs_->getStatus("/top.txt", 3'600'000);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->size(), 3u) << "an hour-long interval must not have synced yet";
}

// An interval that expires within the test: the change is hidden right after a sync and seen once
// the interval has passed (waited for as a condition, with a deadline), and every sync in between
// costs no store call.
TEST_F(MetadataSyncTest, ShortIntervalSeesTheChangeOnceItHasPassed) {
  constexpr int64_t kIntervalMs = 300;
  ASSERT_TRUE(fs_->getStatus("/top.txt", kIntervalMs));
  store_dir_.write("top.txt", "changed content");
  uint64_t s0 = stats();
  auto at_once = fs_->getStatus("/top.txt", kIntervalMs);
  ASSERT_TRUE(at_once);
  bool seen = at_once->size() == 15;
  if (!seen) {
    EXPECT_EQ(stats(), s0) << "inside the interval the store is not asked";
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    auto f = fs_->getStatus("/top.txt", kIntervalMs);
    ASSERT_TRUE(f);
    seen = f->size() == 15;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(seen) << "the change must be seen once the interval has passed";
  EXPECT_GT(stats(), s0);
}

TEST_F(MetadataSyncTest, AlwaysIntervalSeesAddChangeAndRemove) {
  ASSERT_TRUE(fs_->listStatus("/a", "", 0, 0));
  store_dir_.write("a/one.txt", "now longer");
  store_dir_.write("a/added.txt", "+");
  std::filesystem::remove_all(store_dir_.sub("a/b"));
  auto page = fs_->listStatus("/a", "", 0, 0);
  ASSERT_TRUE(page);
  std::vector<std::string> names;
  for (const auto& e : page->entries) names.push_back(e.name());
  EXPECT_EQ(names, (std::vector<std::string>{"added.txt", "one.txt"}));
  EXPECT_EQ(fs_->getStatus("/a/one.txt", 0)->size(), 10u);
  std::filesystem::remove(store_dir_.sub("a/one.txt"));
  EXPECT_EQ(fs_->getStatus("/a/one.txt", 0).error().code(), StatusCode::kNotFound);
}

TEST_F(MetadataSyncTest, UnchangedSyncWritesNoJournalEntry) {
  ASSERT_TRUE(fs_->listStatus("/a", "", 0, 0));
  uint64_t seq = journal_->lastSequence();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(fs_->listStatus("/a", "", 0, 0));
    ASSERT_TRUE(fs_->getStatus("/a/one.txt", 0));
  }
  EXPECT_EQ(journal_->lastSequence(), seq);
}

TEST_F(MetadataSyncTest, ConcurrentFirstAccessListsEachDirectoryOnce) {
  uint64_t l0 = lists();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      if (!fs_->getStatus("/a/b/c/deep.txt", std::nullopt)) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(lists() - l0, 4u);
}

TEST_F(MetadataSyncTest, SyncedStateSurvivesRestart) {
  ASSERT_TRUE(fs_->getStatus("/a/b/c/deep.txt", std::nullopt));
  auto id = fs_->getStatus("/a/one.txt", std::nullopt)->id();
  restart();
  uint64_t l0 = lists();
  auto again = fs_->getStatus("/a/one.txt", std::nullopt);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id(), id) << "inode ids are stable across restarts";
  EXPECT_EQ(lists(), l0) << "loaded directories stay loaded (journaled)";
}

TEST_F(MetadataSyncTest, MutationsReachTheStore) {
  ASSERT_TRUE(fs_->createDirectory(who_, "/made/deeper", true, std::nullopt));
  EXPECT_TRUE(std::filesystem::is_directory(store_dir_.sub("made/deeper")));
  ASSERT_TRUE(fs_->createFile(who_, "/made/empty", false, std::nullopt, proto::WRITE_TYPE_DEFAULT, true));
  EXPECT_TRUE(std::filesystem::is_regular_file(store_dir_.sub("made/empty")));
  ASSERT_TRUE(fs_->rename("/made", "/renamed").isOk());
  EXPECT_TRUE(std::filesystem::exists(store_dir_.sub("renamed/empty")));
  EXPECT_FALSE(std::filesystem::exists(store_dir_.sub("made")));
  EXPECT_EQ(fs_->remove("/renamed", false, false).code(), StatusCode::kDirectoryNotEmpty);
  ASSERT_TRUE(fs_->remove("/renamed", true, false).isOk());
  EXPECT_FALSE(std::filesystem::exists(store_dir_.sub("renamed")));
  // A directory never listed still counts its store children when judging emptiness.
  store_dir_.write("unlisted/child", "c");
  ASSERT_TRUE(fs_->listStatus("/", "", 0, 0));
  EXPECT_EQ(fs_->remove("/unlisted", false, false).code(), StatusCode::kDirectoryNotEmpty);
  EXPECT_TRUE(std::filesystem::exists(store_dir_.sub("unlisted/child")));
}

TEST_F(MetadataSyncTest, ReadOnlyMountRefusesWritesAndLeavesStoreAlone) {
  TempDir ro;
  ro.write("keep.txt", "k");
  ASSERT_TRUE(fs_->mount(who_, "/ro", "file://" + ro.path(), true, {}).isOk());
  Status st = fs_->createDirectory(who_, "/ro/new", false, std::nullopt).error();
  EXPECT_EQ(st.code(), StatusCode::kReadOnly);
  EXPECT_NE(st.message().find("read-only"), std::string::npos);
  EXPECT_EQ(fs_->remove("/ro/keep.txt", false, false).code(), StatusCode::kReadOnly);
  EXPECT_EQ(fs_->rename("/ro/keep.txt", "/ro/k2").code(), StatusCode::kReadOnly);
  EXPECT_TRUE(std::filesystem::exists(ro.sub("keep.txt")));
  EXPECT_FALSE(std::filesystem::exists(ro.sub("new")));
}

}  // namespace
}  // namespace shoal::master
