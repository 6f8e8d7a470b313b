// Bad input on every surface of the master and the CLI: each gets a clear error naming the cause,
// the process keeps serving, and the namespace and mount table are exactly as before.
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "harness/master_cluster.h"

namespace shoal::testing {
namespace {

class MasterBadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.write("existing/file.txt", "x");
    other_.write("o.txt", "o");
    ASSERT_TRUE(master_.start()) << master_.log();
    ASSERT_EQ(master_.cli({"fs", "mount", "/m", "file://" + store_.path()}).exit_code, 0);
    ASSERT_EQ(master_.cli({"fs", "mkdir", "-p", "/a/b/c"}).exit_code, 0);
    before_ = snapshot();
  }

  // Everything a user could look at: the whole tree and the mount table.
  std::string snapshot() {
    return master_.cli({"fs", "ls", "-R", "-l", "/"}).out + master_.cli({"fs", "mount"}).out;
  }

  // Runs a command that must fail with exit code `code` and a message containing `expect`.
  void expectError(const std::vector<std::string>& args, const std::string& expect, int code = 1) {
    auto r = master_.cli(args);
    EXPECT_EQ(r.exit_code, code) << fmt::format("{}", fmt::join(args, " ")) << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(expect), std::string::npos)
        << fmt::format("{}", fmt::join(args, " ")) << ": expected '" << expect << "' in: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one clear line: " << r.err;
  }

  TempDir store_{"shoal-bad-store"};
  TempDir other_{"shoal-bad-other"};
  MasterUnderTest master_;
  std::string before_;
};

TEST_F(MasterBadInputTest, MountErrorsLeaveNamespaceUnchanged) {
  expectError({"fs", "mount", "/a", "file://" + other_.path()}, "mount /a: the path already exists");
  expectError({"fs", "mount", "/m/inner", "file://" + other_.path()}, "inside the mount point /m");
  expectError({"fs", "mount", "/x", "gopher://" + other_.path()}, "unknown under-store scheme 'gopher'");
  expectError({"fs", "mount", "/x", "file:///no/such/directory"}, "file:///no/such/directory: no such file or directory");
  expectError({"fs", "mount", "/x", "file://" + store_.path() + "/existing"}, "overlaps the mount /m");
  expectError({"fs", "mount", "/x", "not-a-uri"}, "is not a URI");
  expectError({"fs", "mount", "/x", "file://" + other_.path(), "--option", "color=blue"}, "unknown mount option 'color'");
  expectError({"fs", "mount", "/nope/x", "file://" + other_.path()}, "/nope: no such file or directory");
  expectError({"fs", "unmount", "/a"}, "unmount /a: not a mount point");
  expectError({"fs", "unmount", "/"}, "not a mount point");
  expectError({"fs", "mount", "/x"}, "give both PATH and URI", 2);
  expectError({"fs", "mount", "/x", "file://" + other_.path(), "--option", "novalue"}, "is not key=value", 2);
  EXPECT_EQ(snapshot(), before_);
}

// The reported defect: `fs mount --option k=v PATH URI` let the greedy --option swallow PATH and
// URI, printed the (empty) mount table and exited 0. Options and positionals now parse in any
// order, --option is repeatable, and a command given a path never falls back to listing.
TEST_F(MasterBadInputTest, MountParsesOptionsAndPositionalsInAnyOrder) {
  const std::string uri = "file://" + other_.path();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"fs", "mount", "--option", "color=blue", "/x", uri},
           {"fs", "mount", "/x", "--option", "color=blue", uri},
           {"fs", "mount", "--option", "shade=dark", "--option", "color=blue", "/x", uri},
           {"fs", "mount", "--readonly", "--option", "color=blue", "/x", uri}}) {
    expectError(args, "unknown mount option", 1);  // file:// takes none: proof the options reached it
  }
  EXPECT_EQ(snapshot(), before_);
  auto ok = master_.cli({"fs", "mount", "--readonly", "/ro", uri});
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("Mounted " + uri + " at /ro"), std::string::npos) << ok.out;
  auto table = master_.cli({"fs", "mount"});
  EXPECT_NE(table.out.find("/ro"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("readonly"), std::string::npos) << table.out;
  EXPECT_EQ(master_.cli({"fs", "cat", "/ro/o.txt"}).out, "o");
  TempDir third("shoal-bad-third");
  third.write("t.txt", "t");
  auto flag_last = master_.cli({"fs", "mount", "/y", "file://" + third.path(), "--readonly"});
  ASSERT_EQ(flag_last.exit_code, 0) << flag_last.out << flag_last.err;
  EXPECT_NE(master_.cli({"fs", "mount"}).out.find("/y"), std::string::npos);
  EXPECT_EQ(master_.cli({"fs", "cat", "/y/t.txt"}).out, "t");
}

TEST(MasterMountTable, AnEmptyMountTableSaysSo) {
  MasterUnderTest master;
  ASSERT_TRUE(master.start()) << master.log();
  auto r = master.cli({"fs", "mount"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("No mounts"), std::string::npos) << r.out;
}

TEST_F(MasterBadInputTest, NamespaceErrorsLeaveNamespaceUnchanged) {
  expectError({"fs", "mv", "/a", "/a/b/c/d"}, "cannot move a directory into its own subtree");
  expectError({"fs", "mv", "/a", "/m/a"}, "different mounts");
  expectError({"fs", "mv", "/m", "/mm"}, "is a mount point");
  expectError({"fs", "rm", "/m"}, "is a mount point");
  expectError({"fs", "rm", "/a"}, "/a: directory not empty");
  expectError({"fs", "rm", "-R", "/"}, "cannot delete the root directory");
  expectError({"fs", "mkdir", "/a"}, "/a: file exists");
  expectError({"fs", "mkdir", "/q/r"}, "/q: no such file or directory");
  expectError({"fs", "ls", "/nope"}, "shoal fs ls /nope: no such file or directory");
  expectError({"fs", "stat", "/a/../etc"}, "contains '..'");
  expectError({"fs", "ls", "relative/path"}, "is not absolute");
  expectError({"fs", "mkdir", "/" + std::string(300, 'n')}, "longer than 255 bytes");
  expectError({"fs", "touch", "/m/existing/file.txt/child"}, "not a directory");
  expectError({"fs", "chmod", "999", "/a"}, "not an octal mode", 2);
  expectError({"fs", "chown", ":grp", "/a"}, "not OWNER or OWNER:GROUP", 2);
  EXPECT_EQ(snapshot(), before_);
  EXPECT_TRUE(std::filesystem::exists(store_.sub("existing/file.txt")));
}

TEST_F(MasterBadInputTest, HostileRpcFieldsAreRejected) {
  auto& c = master_.client();
  std::string with_nul("/a\0b", 4);
  EXPECT_EQ(c.getStatus(with_nul).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.getStatus("").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.createDirectory("/" + std::string(5000, 'p'), true).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.createDirectory("/bad-mode", false, 070000).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.completeFile("/nothing-here", 10, false).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(c.completeFile("/a", 10, false).error().code(), StatusCode::kIsADirectory);
  EXPECT_EQ(c.mount("/y", "", false, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.rename("/a", "/a").code(), StatusCode::kAlreadyExists);
  auto batch = c.getStatusBatch({"/a", "/nope", "../x"});
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->size(), 3u);
  EXPECT_EQ((*batch)[0].error_code(), 0);
  EXPECT_EQ((*batch)[1].error_code(), static_cast<int>(StatusCode::kNotFound));
  EXPECT_EQ((*batch)[2].error_code(), static_cast<int>(StatusCode::kInvalidArgument));
  EXPECT_EQ(snapshot(), before_);
}

TEST_F(MasterBadInputTest, ReadOnlyMountRefusesWrites) {
  ASSERT_EQ(master_.cli({"fs", "mount", "--readonly", "/ro", "file://" + other_.path()}).exit_code, 0);
  expectError({"fs", "mkdir", "/ro/new"}, "is read-only");
  expectError({"fs", "touch", "/ro/new.txt"}, "is read-only");
  expectError({"fs", "rm", "/ro/o.txt"}, "is read-only");
  expectError({"fs", "mv", "/ro/o.txt", "/ro/p.txt"}, "is read-only");
  EXPECT_EQ(master_.cli({"fs", "ls", "/ro"}).out, "/ro/o.txt\n");
  EXPECT_EQ(std::filesystem::directory_iterator(other_.path())->path().filename(), "o.txt");
}

TEST_F(MasterBadInputTest, CliUsageErrors) {
  auto r = master_.cli({"fs", "frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
  r = master_.cli({"fs", "test", "/a"});
  EXPECT_EQ(r.exit_code, 2);
  r = master_.cli({"conf", "get", "shoal.no.such.key"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown configuration key 'shoal.no.such.key'"), std::string::npos);
  r = master_.cli({"fs", "ls", "/"}, {"shoal.user.rpc.timeout=soon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("shoal.user.rpc.timeout"), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(), before_);
}

TEST(MasterStartup, MalformedConfigurationIsAClearErrorAtStart) {
  TempDir conf("shoal-bad-conf");
  conf.write("shoal-site.properties", "shoal.master.rpc.port=19998\nshoal.master.jornal.folder=/tmp/x\n");
  std::string cmd = "SHOAL_CONF_DIR=" + conf.path() + " " + shoalBinary() + " master 2>&1";
  auto r = runCommand({"/bin/sh", "-c", cmd});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown configuration key 'shoal.master.jornal.folder'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(conf.sub("shoal-site.properties")), std::string::npos) << r.out;

  r = runCommand({shoalBinary(), "master", "-Dshoal.master.rpc.port=99999"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("shoal.master.rpc.port=99999: must be at most 65535"), std::string::npos) << r.err;

  r = runCommand({shoalBinary(), "master", "-Dshoal.master.metastore=rocks"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must be one of heap"), std::string::npos) << r.err;
}

TEST(MasterStartup, RootUfsThatDoesNotExistStopsStartupWithItsName) {
  TempDir dir("shoal-bad-root");
  auto r = runCommand({shoalBinary(), "master", "-Dshoal.master.rpc.port=" + std::to_string(freePort()),
                       "-Dshoal.master.journal.folder=" + dir.sub("j"),
                       "-Dshoal.master.mount.table.root.ufs=file:///no/such/root"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("shoal.master.mount.table.root.ufs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("file:///no/such/root: no such file or directory"), std::string::npos) << r.err;
}

TEST(MasterStartup, SecondMasterOnTheSameJournalIsRefused) {
  MasterUnderTest first;
  ASSERT_TRUE(first.start()) << first.log();
  auto r = runCommand({shoalBinary(), "master", "-Dshoal.master.rpc.port=" + std::to_string(freePort()),
                       "-Dshoal.master.journal.folder=" + first.journalDir()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("in use by another master"), std::string::npos) << r.err;
  EXPECT_TRUE(first.client().masterInfo()) << "the first master must keep serving";
}

TEST(MasterStartup, AHostnameThatDoesNotResolveIsAClearError) {
  TempDir dir("shoal-badhost");
  auto r = runCommand({shoalBinary(), "master", "-Dshoal.master.hostname=no-such-host.invalid",
                       "-Dshoal.master.rpc.port=" + std::to_string(freePort()), "-Dshoal.master.web.port=-1",
                       "-Dshoal.master.journal.folder=" + dir.sub("j")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'no-such-host.invalid': the name does not resolve"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("shoal.master.hostname"), std::string::npos) << r.err;
}

TEST(MasterStartup, BusyPortIsAClearError) {
  MasterUnderTest first;
  ASSERT_TRUE(first.start()) << first.log();
  TempDir dir("shoal-busy");
  auto r = runCommand({shoalBinary(), "master", "-Dshoal.master.rpc.port=" + std::to_string(first.port()),
                       "-Dshoal.master.journal.folder=" + dir.sub("j")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())), std::string::npos) << r.err;
}

}  // namespace
}  // namespace shoal::testing
