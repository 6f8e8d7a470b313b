// POSIX access through a real FUSE mount (as root) over one master, two workers and a local store:
// the tree seen through the mount is the store's, a storm of readers reads each page from the
// store once, writes land in the store byte for byte, the FUSE shell drops cached metadata, a
// killed daemon's mount is recovered by the next mount, and bad input gets the right errno.
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <random>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/fuse_mount.h"
#include "harness/master_cluster.h"
#include "testing/random_bytes.h"

namespace shoal::testing {
namespace {

namespace fs = std::filesystem;

class FuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(master_.start()) << master_.log();
    ASSERT_EQ(master_.cli({"fs", "mount", "/data", "file://" + store_.path()}).exit_code, 0);
    for (int i = 0; i < 2; ++i) {
      workers_.push_back(std::make_unique<WorkerUnderTest>(master_));
      ASSERT_TRUE(workers_.back()->start()) << workers_.back()->log();
    }
  }

  uint64_t storeReads() {
    uint64_t n = 0;
    for (auto& w : workers_) n += workerStats(w->address()).store_reads();
    return n;
  }

  // Runs a shell command line; its exit code and output.
  CommandResult sh(const std::string& line) { return runCommand({"/bin/sh", "-c", line}, 600); }

  TempDir store_{"shoal-fuse-store"};
  TempDir mnt_{"shoal-fuse-mnt"};
  MasterUnderTest master_;
  std::vector<std::unique_ptr<WorkerUnderTest>> workers_;
};

TEST_F(FuseTest, TreeThroughTheMountIsTheStoresTree) {
  std::mt19937 rng(3);
  for (int i = 0; i < 10000; ++i) {
    store_.write(fmt::format("tree/d{}/e{}/f{}.bin", i % 10, i % 7, i), randomBytes(1024 + rng() % (63 * 1024), i));
  }
  store_.write("tree/big.bin", randomBytes(200 << 20, 99));
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  std::string in_mount = mnt_.sub("data/tree"), in_store = store_.sub("tree");
  auto diff = sh("diff -r " + in_mount + " " + in_store);
  EXPECT_EQ(diff.exit_code, 0) << diff.out.substr(0, 2000) << diff.err.substr(0, 2000);
  auto count = [&](const std::string& dir) { return sh("find " + dir + " | wc -l").out; };
  EXPECT_EQ(count(in_mount), count(in_store));
  // Bytes of the files (du -sb would also count directory sizes, which differ between file systems).
  auto bytes = [&](const std::string& dir) { return sh("find " + dir + " -type f -printf '%s\\n' | awk '{s+=$1} END {print s}'").out; };
  EXPECT_EQ(bytes(in_mount), bytes(in_store));
}

TEST_F(FuseTest, StormOfReadersReadsEachPageFromTheStoreOnce) {
  std::mt19937 rng(4);
  for (int i = 0; i < 1000; ++i) store_.write(fmt::format("storm/d{}/f{}.bin", i % 10, i), randomBytes(1024 + rng() % (63 * 1024), i));
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  auto expected = sh("cd " + store_.sub("storm") + " && find . -type f | sort | xargs md5sum");
  ASSERT_EQ(expected.exit_code, 0);
  uint64_t before = storeReads();
  // 32 processes start at once, each checksumming the whole tree through the mount.
  TempDir out("shoal-fuse-storm");
  auto storm = sh(fmt::format("cd {} && for i in $(seq 1 32); do (find . -type f | sort | xargs md5sum > {}/$i.txt) & "
                              "done; wait",
                              mnt_.sub("data/storm"), out.path()));
  ASSERT_EQ(storm.exit_code, 0) << storm.err;
  for (int i = 1; i <= 32; ++i) ASSERT_EQ(slurp(fmt::format("{}/{}.txt", out.path(), i)), expected.out) << "reader " << i;
  EXPECT_EQ(storeReads() - before, 1000u) << "each file (one page each) must come from the store exactly once";
}

TEST_F(FuseTest, WritesLandInTheStoreAndFsyncedDataSurvivesADaemonKill) {
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  TempDir local("shoal-fuse-src");
  local.write("src/a.bin", randomBytes(3 << 20, 1));
  local.write("src/sub/b.txt", "hello through fuse\n");
  auto cp = sh("cp -r " + local.sub("src") + " " + mnt_.sub("data/copied"));
  ASSERT_EQ(cp.exit_code, 0) << cp.err;
  EXPECT_EQ(sh("diff -r " + local.sub("src") + " " + store_.sub("copied")).exit_code, 0);
  EXPECT_EQ(master_.cli({"fs", "cat", "/data/copied/sub/b.txt"}).out, "hello through fuse\n");

  // 4 KiB appends.
  std::string appended = randomBytes(400 * 4096, 2);
  {
    int fd = ::open(mnt_.sub("data/appends.bin").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    for (size_t off = 0; off < appended.size(); off += 4096) ASSERT_EQ(::write(fd, appended.data() + off, 4096), 4096);
    ASSERT_EQ(::close(fd), 0);
  }
  EXPECT_TRUE(slurp(store_.sub("appends.bin")) == appended);
  EXPECT_TRUE(slurp(mnt_.sub("data/appends.bin")) == appended);
  EXPECT_TRUE(master_.cli({"fs", "cat", "/data/appends.bin"}).out == appended);

  // chmod through the mount changes Shoal's attributes.
  ASSERT_EQ(::chmod(mnt_.sub("data/appends.bin").c_str(), 0600), 0);
  auto mode = master_.cli({"fs", "stat", "/data/appends.bin"});
  EXPECT_NE(mode.out.find("600"), std::string::npos) << mode.out;
  struct stat st;
  ASSERT_EQ(::stat(mnt_.sub("data/appends.bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::rename(mnt_.sub("data/appends.bin").c_str(), mnt_.sub("data/copied/moved.bin").c_str()), 0);
  EXPECT_TRUE(slurp(store_.sub("copied/moved.bin")) == appended);
  EXPECT_FALSE(fs::exists(store_.sub("appends.bin")));
  ASSERT_EQ(sh("rm -r " + mnt_.sub("data/copied")).exit_code, 0);
  EXPECT_FALSE(fs::exists(store_.sub("copied")));
  EXPECT_EQ(master_.cli({"fs", "test", "-e", "/data/copied"}).exit_code, 1);

  // fsync, then kill -9: what was fsynced is in Shoal and in the store.
  std::string synced = randomBytes(5 << 20, 3);
  int fd = ::open(mnt_.sub("data/synced.bin").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, synced.data(), synced.size()), static_cast<ssize_t>(synced.size()));
  ASSERT_EQ(::fsync(fd), 0);
  m.kill9();
  ::close(fd);
  EXPECT_TRUE(slurp(store_.sub("synced.bin")) == synced);
  EXPECT_TRUE(master_.cli({"fs", "cat", "/data/synced.bin"}).out == synced);
}

TEST_F(FuseTest, ShellDropsCachedMetadataAndAKilledDaemonIsRecovered) {
  store_.write("conf.txt", "version one\n");
  // A real entry named like the shell is reported, not silently hidden.
  ASSERT_EQ(master_.cli({"fs", "mkdir", "/.shoal"}).exit_code, 0);
  // Long kernel and client caches; the master looks at the store on every uncached access.
  std::vector<std::string> conf{"shoal.fuse.entry.timeout=7200s", "shoal.fuse.attr.timeout=7200s",
                                "shoal.user.metadata.cache.expiration=2h", "shoal.user.file.metadata.sync.interval=0"};
  FuseMount m(master_, mnt_.path(), conf);
  ASSERT_TRUE(m.start()) << m.log();
  std::string file = mnt_.sub("data/conf.txt");
  EXPECT_EQ(slurp(file), "version one\n");
  store_.write("conf.txt", "version two, longer\n");
  EXPECT_EQ(slurp(file), "version one\n") << "within the timeouts the old version is served whole";
  EXPECT_NE(std::stoi(slurp(mnt_.sub(".shoal/metadatacache/size"))), 0);
  ASSERT_EQ(sh("ls " + mnt_.sub(".shoal/metadatacache/drop")).exit_code, 0);
  EXPECT_EQ(slurp(file), "version two, longer\n");
  store_.write("conf.txt", "three\n");
  ASSERT_EQ(sh("ls " + mnt_.sub(".shoal/metadatacache/drop/data/conf.txt")).exit_code, 0);
  EXPECT_EQ(slurp(file), "three\n");
  EXPECT_NE(m.log().find("/.shoal exists under the mount root"), std::string::npos) << m.log();

  // kill -9: the mount point is dead until the next mount, which recovers it.
  m.kill9();
  struct stat st;
  EXPECT_NE(::stat(mnt_.sub("data/never-looked-up").c_str(), &st), 0);
  EXPECT_EQ(errno, ENOTCONN);
  FuseMount again(master_, mnt_.path());
  ASSERT_TRUE(again.start()) << again.log();
  EXPECT_EQ(slurp(file), "three\n");
}

TEST_F(FuseTest, SigtermUnmountsAndExitsCleanly) {
  store_.write("f.txt", "data");
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  EXPECT_EQ(slurp(mnt_.sub("data/f.txt")), "data");
  // The shell answers by name but never shows up in listings (diff -r against the store stays clean).
  EXPECT_EQ(sh("ls -a " + mnt_.path()).out.find(".shoal"), std::string::npos);
  EXPECT_EQ(sh("ls " + mnt_.sub(".shoal/metadatacache/drop")).exit_code, 0);
  int status = m.terminate();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status << "\n" << m.log();
  EXPECT_FALSE(mounted(mnt_.path())) << "SIGTERM must leave no mount behind";
  EXPECT_NE(m.log().find("unmounted"), std::string::npos) << m.log();
}

TEST_F(FuseTest, BadInputGetsTheRightErrnoAndTheDaemonKeepsServing) {
  store_.write("full/x.txt", "x");
  TempDir ro_store("shoal-fuse-ro");
  ro_store.write("r.txt", "read only");
  ASSERT_EQ(master_.cli({"fs", "mount", "--readonly", "/ro", "file://" + ro_store.path()}).exit_code, 0);
  FuseMount m(master_, mnt_.path());
  ASSERT_TRUE(m.start()) << m.log();
  auto openErr = [&](const std::string& rel, int flags) {
    int fd = ::open(mnt_.sub(rel).c_str(), flags, 0644);
    if (fd >= 0) {
      ::close(fd);
      return 0;
    }
    return errno;
  };
  EXPECT_EQ(openErr("data/" + std::string(256, 'n'), O_WRONLY | O_CREAT), ENAMETOOLONG);
  EXPECT_EQ(openErr("data/bad\x01name", O_WRONLY | O_CREAT), EINVAL);
  EXPECT_EQ(openErr("ro/new.txt", O_WRONLY | O_CREAT), EROFS);
  EXPECT_EQ(::mkdir(mnt_.sub("ro/newdir").c_str(), 0755), -1);
  EXPECT_EQ(errno, EROFS);
  EXPECT_EQ(::rmdir(mnt_.sub("data/full").c_str()), -1);
  EXPECT_EQ(errno, ENOTEMPTY);
  EXPECT_EQ(openErr("data/full", O_WRONLY), EISDIR);
  EXPECT_EQ(openErr("data/nope.txt", O_RDONLY), ENOENT);
  EXPECT_EQ(::unlink(mnt_.sub("data/full").c_str()), -1);
  EXPECT_EQ(errno, EISDIR);
  EXPECT_EQ(slurp(mnt_.sub("ro/r.txt")), "read only") << "the daemon keeps serving";
  EXPECT_EQ(slurp(mnt_.sub("data/full/x.txt")), "x");
  // Bad mount requests are refused with the cause.
  auto notdir = runCommand({shoalBinary(), "fuse", "mount", mnt_.sub("data/full/x.txt"),
                            "-Dshoal.master.rpc.port=" + std::to_string(master_.port())});
  EXPECT_NE(notdir.exit_code, 0);
  TempDir other("shoal-fuse-other");
  auto nopath = runCommand({shoalBinary(), "fuse", "mount", other.path(), "--path", "/nowhere",
                            "-Dshoal.master.rpc.port=" + std::to_string(master_.port())});
  EXPECT_EQ(nopath.exit_code, 1);
  EXPECT_NE(nopath.err.find("/nowhere: no such file or directory"), std::string::npos) << nopath.err;
}

}  // namespace
}  // namespace shoal::testing
