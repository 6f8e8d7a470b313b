// Reads after the namespace changes, with real processes: a renamed file reads back byte for byte
// through the C++ API (short-circuit on and off), the CLI and FUSE (renamed by `fs mv` and by `mv`
// on the mount); and a mount added, removed or replaced after a worker cached the mount table is
// what the next read resolves to.
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>

#include "harness/fuse_mount.h"
#include "harness/master_cluster.h"
#include "shoal/file_system.h"
#include "testing/random_bytes.h"

namespace shoal::testing {
namespace {

class NamespaceChangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(master_.start()) << master_.log();
    ASSERT_EQ(master_.cli({"fs", "mount", "/", "file://" + root_.path()}).exit_code, 0);
    ASSERT_TRUE(worker_.start()) << worker_.log();
  }

  // The whole file through the public C++ API, with short-circuit on or off.
  std::string readApi(const std::string& path, bool short_circuit) {
    auto fs = FileSystem::connect({"shoal.master.rpc.port=" + std::to_string(master_.port()),
                                   std::string("shoal.user.short.circuit.enabled=") + (short_circuit ? "true" : "false")});
    if (!fs) return "<" + fs.error().toString() + ">";
    auto in = (*fs)->open(path);
    if (!in) return "<" + in.error().toString() + ">";
    std::string out((*in)->status().size, '\0');
    auto n = (*in)->pread(0, {out.data(), out.size()});
    if (!n) return "<" + n.error().toString() + ">";
    out.resize(*n);
    return out;
  }
  std::string readCli(const std::string& path) {
    auto r = master_.cli({"fs", "cat", path});
    return r.exit_code == 0 ? r.out : "<exit " + std::to_string(r.exit_code) + ": " + r.err + ">";
  }
  void expectEverywhere(const std::string& path, const std::string& want) {
    EXPECT_TRUE(readApi(path, true) == want) << path << " (short-circuit): " << readApi(path, true).substr(0, 200);
    EXPECT_TRUE(readApi(path, false) == want) << path << " (remote): " << readApi(path, false).substr(0, 200);
    EXPECT_TRUE(readCli(path) == want) << path << " (CLI): " << readCli(path).substr(0, 200);
  }

  TempDir root_{"shoal-nschange-root"};
  TempDir mnt_{"shoal-nschange-mnt"};
  MasterUnderTest master_;
  WorkerUnderTest worker_{master_};
};

// The reported defect: rename stamped a new mtime, the mtime is half of a file's version, and the
// renamed file then failed the store check (EIO through FUSE, an error through the API).
TEST_F(NamespaceChangeTest, ARenamedFileReadsBackThroughEveryClient) {
  const std::string data = randomBytes((3 << 20) + 123, 11);  // several pages
  root_.write("src/file.bin", data);
  expectEverywhere("/src/file.bin", data);  // cached by the worker under the old name
  auto before = master_.client().getStatus("/src/file.bin");
  ASSERT_TRUE(before);

  ASSERT_EQ(master_.cli({"fs", "mv", "/src/file.bin", "/src/moved.bin"}).exit_code, 0);
  auto after = master_.client().getStatus("/src/moved.bin");
  ASSERT_TRUE(after) << after.error().toString();
  EXPECT_EQ(after->mtime_ms(), before->mtime_ms()) << "POSIX: rename keeps the file's mtime";
  expectEverywhere("/src/moved.bin", data);

  // A file written MUST_CACHE (no store copy: its pages are all there is) survives a rename too.
  const std::string cached = randomBytes((2 << 20) + 7, 12);
  {
    auto fs = FileSystem::connect({"shoal.master.rpc.port=" + std::to_string(master_.port())});
    ASSERT_TRUE(fs);
    auto out = (*fs)->create("/src/cached.bin", WriteType::kMustCache);
    ASSERT_TRUE(out) << out.error().toString();
    ASSERT_TRUE((*out)->write({cached.data(), cached.size()}));
    ASSERT_TRUE((*out)->close());
    ASSERT_TRUE((*fs)->rename("/src/cached.bin", "/src/cached-moved.bin"));
  }
  expectEverywhere("/src/cached-moved.bin", cached);

  // Through FUSE: cp in, mv on the mount, remount, cat.
  TempDir local("shoal-nschange-local");
  const std::string small = "copied in through the mount\n" + randomBytes(70000, 13);
  local.write("in.bin", small);
  {
    FuseMount m(master_, mnt_.path());
    ASSERT_TRUE(m.start()) << m.log();
    ASSERT_EQ(runCommand({"/bin/cp", local.sub("in.bin"), mnt_.sub("src/in.bin")}).exit_code, 0);
    ASSERT_EQ(runCommand({"/bin/mv", mnt_.sub("src/in.bin"), mnt_.sub("src/renamed.bin")}).exit_code, 0);
    EXPECT_TRUE(slurp(mnt_.sub("src/renamed.bin")) == small);
  }
  FuseMount again(master_, mnt_.path());
  ASSERT_TRUE(again.start()) << again.log();
  auto cat = runCommand({"/bin/cat", mnt_.sub("src/renamed.bin")});
  EXPECT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_TRUE(cat.out == small) << cat.err;
  EXPECT_TRUE(slurp(mnt_.sub("src/moved.bin")) == data);
  EXPECT_TRUE(slurp(mnt_.sub("src/cached-moved.bin")) == cached);
  expectEverywhere("/src/renamed.bin", small);
}

// The reported defect: with / mounted and one read served (the worker caches the mount table), a
// mount added at /second was invisible: the worker resolved /second/x.txt under /.
TEST_F(NamespaceChangeTest, MountsAddedRemovedOrReplacedLaterAreWhatTheNextReadSees) {
  root_.write("first.txt", "under the root mount");
  expectEverywhere("/first.txt", "under the root mount");  // the worker now holds the table

  TempDir second("shoal-nschange-second"), third("shoal-nschange-third");
  second.write("x.txt", "from the second store");
  third.write("x.txt", "from the third store, a different size");
  ASSERT_EQ(master_.cli({"fs", "mount", "/second", "file://" + second.path()}).exit_code, 0);
  expectEverywhere("/second/x.txt", "from the second store");

  // Unmount and mount another store at the same path: the same Shoal path, a different file.
  ASSERT_EQ(master_.cli({"fs", "unmount", "/second"}).exit_code, 0);
  auto gone = master_.cli({"fs", "cat", "/second/x.txt"});
  EXPECT_NE(gone.exit_code, 0) << "unmounted: " << gone.out;
  ASSERT_EQ(master_.cli({"fs", "mount", "/second", "file://" + third.path()}).exit_code, 0);
  expectEverywhere("/second/x.txt", "from the third store, a different size");

  // And back to the first store at that path.
  ASSERT_EQ(master_.cli({"fs", "unmount", "/second"}).exit_code, 0);
  ASSERT_EQ(master_.cli({"fs", "mount", "/second", "file://" + second.path()}).exit_code, 0);
  expectEverywhere("/second/x.txt", "from the second store");
  expectEverywhere("/first.txt", "under the root mount");
}

// `fs update-mount`: a mount's read-only flag and options change in place, with cached data kept,
// and survive a master restart; requests that make no sense change nothing and say why.
TEST_F(NamespaceChangeTest, AMountsFlagsChangeInPlaceWithoutARemount) {
  TempDir data("shoal-nschange-update");
  data.write("kept.txt", "read before, through the read-write mount");
  ASSERT_EQ(master_.cli({"fs", "mount", "/upd", "file://" + data.path()}).exit_code, 0);
  expectEverywhere("/upd/kept.txt", "read before, through the read-write mount");
  TempDir local("shoal-nschange-local");
  local.write("new.txt", "a new file");

  auto r = master_.cli({"fs", "update-mount", "--readonly", "/upd"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("at /upd: (readonly)"), std::string::npos) << r.out;
  r = master_.cli({"fs", "cp", "file://" + local.sub("new.txt"), "/upd/new.txt"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("read-only"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(data.sub("new.txt"))) << "a refused write reached the store";
  expectEverywhere("/upd/kept.txt", "read before, through the read-write mount");

  // Journaled: a restarted master keeps it.
  ASSERT_TRUE(master_.restart()) << master_.log();
  r = master_.cli({"fs", "mount"});
  EXPECT_NE(r.out.find("/upd                      (readonly)"), std::string::npos) << r.out;

  // Refused whole, naming the cause: an option the store does not know, a path that is not a
  // mount point, nothing to change, both flags.
  r = master_.cli({"fs", "update-mount", "/upd", "--readwrite", "--option", "bogus.key=1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown mount option 'bogus.key'"), std::string::npos) << r.err;
  r = master_.cli({"fs", "update-mount", "/upd/sub", "--readwrite"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/upd/sub: not a mount point (mount points: /, /upd)"), std::string::npos) << r.err;
  r = master_.cli({"fs", "update-mount", "/upd"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("nothing to change"), std::string::npos) << r.err;
  r = master_.cli({"fs", "update-mount", "/upd", "--readonly", "--readwrite"});
  EXPECT_NE(r.exit_code, 0);
  r = master_.cli({"fs", "update-mount", "/upd", "--unset-option", "s3.secret.key"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("option s3.secret.key is not set on this mount"), std::string::npos) << r.err;
  r = master_.cli({"fs", "mount"});
  EXPECT_NE(r.out.find("/upd                      (readonly)"), std::string::npos) << "refusals changed it: " << r.out;

  r = master_.cli({"fs", "update-mount", "/upd", "--readwrite"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = master_.cli({"fs", "cp", "file://" + local.sub("new.txt"), "/upd/new.txt"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(data.sub("new.txt")), "a new file");
  expectEverywhere("/upd/new.txt", "a new file");
  expectEverywhere("/upd/kept.txt", "read before, through the read-write mount");
}

// The defect: `fs cat` of a file that changed in the store mid-read restarted from the top after
// 4 MiB had already gone to stdout, printing the old file's head and then the whole new file.
// Now the output is one version: all of the old file, or a prefix of it and an error that says so.
TEST_F(NamespaceChangeTest, CatOfAFileChangedMidReadNeverMixesVersions) {
  const std::string old_data = randomBytes((9 << 20) + 333, 41);  // above the CLI's 4 MiB chunk
  const std::string new_data = randomBytes((10 << 20) + 7, 42);
  root_.write("changing.bin", old_data);
  std::string cmd = shoalBinary() + " fs cat /changing.bin -Dshoal.user.file.readahead.pages=0 -Dshoal.master.rpc.port=" +
                    std::to_string(master_.port()) + " 2>" + root_.sub("cat.err");
  FILE* out = ::popen(cmd.c_str(), "r");
  ASSERT_NE(out, nullptr);
  std::string got(1, '\0');
  // The CLI blocks writing its first chunk into the pipe: the store changes while it is mid-file.
  ASSERT_EQ(std::fread(got.data(), 1, 1, out), 1u);
  root_.write("changing.bin", new_data);
  char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), out)) > 0;) got.append(buf, n);
  int status = ::pclose(out);
  std::string err = slurp(root_.sub("cat.err"));
  if (status == 0) {
    EXPECT_TRUE(got == old_data) << "exit 0 must mean the whole old file; got " << got.size() << " bytes";
  } else {
    EXPECT_LT(got.size(), old_data.size());
    EXPECT_TRUE(old_data.compare(0, got.size(), got) == 0) << "the output must be a prefix of one version";
    EXPECT_NE(err.find("changed in the store while being read"), std::string::npos) << err;
  }
  EXPECT_NE(got.find(new_data.substr(0, 4096)), 0u);
  // Asked again with a sync (the default interval -1 trusts what was loaded), the new version, whole.
  auto again = master_.cli({"fs", "cat", "/changing.bin"}, {"shoal.user.file.metadata.sync.interval=0"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(again.out == new_data) << again.out.size() << " bytes";
}

}  // namespace
}  // namespace shoal::testing
