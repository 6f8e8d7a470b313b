// Store-side changes seen through a real master: after the sync interval, and never when it is -1
// unless a caller asks for a fresh look. Waits poll a condition with a deadline; no fixed sleeps.
#include <chrono>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <thread>

#include "harness/master_cluster.h"

namespace shoal::testing {
namespace {

namespace fs = std::filesystem;

uint64_t statSize(MasterUnderTest& m, const std::string& path) {
  auto r = m.client().getStatus(path);
  return r ? r->size() : UINT64_MAX;
}

TEST(MasterSync, ChangesInTheStoreAppearAfterTheInterval) {
  TempDir store("shoal-sync-it");
  store.write("keep.txt", "keep");
  store.write("change.txt", "v1");
  store.write("remove.txt", "bye");
  MasterUnderTest master({"shoal.user.file.metadata.sync.interval=300ms"});
  ASSERT_TRUE(master.start()) << master.log();
  ASSERT_EQ(master.cli({"fs", "mount", "/s", "file://" + store.path()}).exit_code, 0);
  ASSERT_EQ(master.cli({"fs", "ls", "/s"}).exit_code, 0);
  ASSERT_EQ(statSize(master, "/s/change.txt"), 2u);

  store.write("added.txt", "new file");
  store.write("change.txt", "version two");
  fs::remove(store.sub("remove.txt"));

  EXPECT_TRUE(eventually([&] { return statSize(master, "/s/added.txt") == 8; })) << "added file never appeared";
  EXPECT_TRUE(eventually([&] { return statSize(master, "/s/change.txt") == 11; })) << "changed size never seen";
  EXPECT_TRUE(eventually([&] { return master.cli({"fs", "test", "-e", "/s/remove.txt"}).exit_code == 1; }))
      << "removed file never disappeared";
  auto ls = master.cli({"fs", "ls", "/s"});
  EXPECT_EQ(ls.out, "/s/added.txt\n/s/change.txt\n/s/keep.txt\n");
}

TEST(MasterSync, NeverIntervalKeepsTheFirstLoadUntilAskedToSync) {
  TempDir store("shoal-sync-it");
  store.write("old.txt", "old");
  MasterUnderTest master;  // default interval: -1
  ASSERT_TRUE(master.start()) << master.log();
  ASSERT_EQ(master.cli({"fs", "mount", "/s", "file://" + store.path()}).exit_code, 0);
  ASSERT_EQ(master.cli({"fs", "ls", "/s"}).out, "/s/old.txt\n");

  store.write("new.txt", "new");
  store.write("old.txt", "old but longer");
  // The master answers from what it loaded, however often it is asked.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(master.cli({"fs", "ls", "/s"}).out, "/s/old.txt\n");
    EXPECT_EQ(master.cli({"fs", "test", "-e", "/s/new.txt"}).exit_code, 1);
    EXPECT_EQ(statSize(master, "/s/old.txt"), 3u);
  }
  // A client that sets the interval to 0 gets a fresh look, and the master keeps it.
  auto fresh = master.cli({"fs", "ls", "/s"}, {"shoal.user.file.metadata.sync.interval=0"});
  EXPECT_EQ(fresh.out, "/s/new.txt\n/s/old.txt\n") << fresh.err;
  EXPECT_EQ(statSize(master, "/s/old.txt"), 14u);
  EXPECT_EQ(master.cli({"fs", "ls", "/s"}).out, "/s/new.txt\n/s/old.txt\n");
}

}  // namespace
}  // namespace shoal::testing
