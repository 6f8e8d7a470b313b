// The local backend against the shared conformance suite, plus file://-specific checks.
#include "ufs/local/local_ufs.h"

#include <filesystem>
#include <list>
#include <map>
#include <set>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "testing/temp_dir.h"
#include "ufs/testing/ufs_conformance.h"

namespace shoal::ufs::testing {
namespace {

std::shared_ptr<Ufs> makeLocal() {
  // One directory per test, removed at process exit.
  static std::list<shoal::testing::TempDir> dirs;
  dirs.emplace_back("shoal-localufs");
  UfsRegistry registry;
  registerBuiltinUfs(registry);
  auto ufs = registry.create("file://" + dirs.back().path(), {});
  return ufs ? *ufs : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Local, UfsConformance, ::testing::Values(UfsTarget{"file", makeLocal}),
                         [](const auto& info) { return info.param.name; });

TEST(LocalUfs, RegistryRejectsBadUris) {
  UfsRegistry registry;
  registerBuiltinUfs(registry);
  auto unknown = registry.create("gopher://x/y", {});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("unknown under-store scheme 'gopher'"), std::string::npos);
  auto missing = registry.create("file:///no/such/dir/anywhere", {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.error().message().find("file:///no/such/dir/anywhere"), std::string::npos);
  auto host = registry.create("file://somehost/tmp", {});
  ASSERT_FALSE(host);
  EXPECT_NE(host.error().message().find("no host"), std::string::npos);
  auto option = registry.create("file:///tmp", {{"color", "blue"}});
  ASSERT_FALSE(option);
  EXPECT_NE(option.error().message().find("unknown mount option 'color'"), std::string::npos);
  EXPECT_FALSE(registry.create("not a uri", {}));
  EXPECT_FALSE(registry.create("file:///tmp/../etc", {}));
  EXPECT_FALSE(registerLocalUfs(registry).isOk()) << "a scheme must not register twice";
}

TEST(LocalUfs, FileAsRootIsRefused) {
  shoal::testing::TempDir dir;
  dir.write("plain", "x");
  UfsRegistry registry;
  registerBuiltinUfs(registry);
  auto r = registry.create("file://" + dir.sub("plain"), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kNotADirectory);
}

TEST(LocalUfs, ListingHidesFilesBeingWritten) {
  shoal::testing::TempDir dir;
  LocalUfs ufs("file://" + dir.path(), dir.path());
  auto out = ufs.create("/inflight", CreateOptions{});
  ASSERT_TRUE(out);
  ASSERT_TRUE((*out)->write({"abc", 3}).isOk());
  auto l = ufs.list("/");
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->empty()) << "a staged temp file showed up in a listing";
  ASSERT_TRUE((*out)->close().isOk());
  l = ufs.list("/");
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0].name, "inflight");
}

// concat: the parts one after another in a new file that replaces the target whole; a missing
// part, a link out of the root or a FIFO fails it and leaves the target as it was, and no temp
// file behind.
TEST(LocalUfs, ConcatJoinsFilesInPlaceOrChangesNothing) {
  shoal::testing::TempDir dir;
  LocalUfs ufs("file://" + dir.path(), dir.path());
  std::filesystem::create_directories(dir.sub("up"));
  std::string a(3 << 20, 'a'), b = "middle", c(70001, 'c');
  dir.write("up/1", a);
  dir.write("up/2", b);
  dir.write("up/3", c);
  dir.write("key", "the old object");
  ASSERT_TRUE(ufs.concat({"/up/1", "/up/2", "/up/3"}, "/key").isOk());
  EXPECT_EQ(dir.read("key"), a + b + c);
  EXPECT_EQ(dir.read("up/2"), b) << "a part was changed";

  ASSERT_EQ(::symlink("/etc/passwd", dir.sub("up/out").c_str()), 0);
  ASSERT_EQ(::mkfifo(dir.sub("up/fifo").c_str(), 0600), 0);
  for (const std::string bad : {"/up/missing", "/up/out", "/up/fifo", "/up"}) {
    Status st = ufs.concat({"/up/1", bad}, "/key");
    EXPECT_FALSE(st.isOk()) << bad;
    EXPECT_EQ(dir.read("key"), a + b + c) << bad;
  }
  EXPECT_FALSE(ufs.concat({"/up/../../etc/passwd"}, "/key").isOk());
  EXPECT_FALSE(ufs.concat({}, "/key").isOk());
  auto l = ufs.list("/");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->size(), 2u) << "a temp file was left behind";
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_TRUE(e.path().filename() == "up" || e.path().filename() == "key") << e.path();
  }
}

// The store may hold symbolic links. They are reported as themselves (lstat(2): their text, for
// the client's kernel to follow), and Shoal itself never follows one out of the root, for any call.
TEST(LocalUfs, SymbolicLinksAreReportedAsLinksAndNeverLeadOutOfTheRoot) {
  shoal::testing::TempDir top;
  top.write("outside/secret.txt", "secret");
  top.write("root/inside/ok.txt", "ok");
  namespace fs = std::filesystem;
  fs::create_symlink(top.sub("outside/secret.txt"), top.sub("root/abs-file"));
  fs::create_symlink("../outside", top.sub("root/up-dir"));
  fs::create_symlink(top.sub("outside"), top.sub("root/abs-dir"));
  fs::create_symlink("inside/ok.txt", top.sub("root/in-link"));
  LocalUfs ufs("file://" + top.sub("root"), top.sub("root"));
  char buf[16];
  for (std::string bad : {"/abs-file", "/up-dir/secret.txt", "/abs-dir/secret.txt"}) {
    SCOPED_TRACE(bad);
    auto r = ufs.read(bad, 0, {buf, sizeof(buf)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
    EXPECT_NE(r.error().message().find("outside the store's root"), std::string::npos) << r.error().toString();
  }
  for (std::string bad : {"/up-dir/secret.txt", "/abs-dir/secret.txt"}) {
    auto st = ufs.getStatus(bad);
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().code(), StatusCode::kPermissionDenied) << st.error().toString();
  }
  EXPECT_FALSE(ufs.list("/up-dir"));
  EXPECT_FALSE(ufs.create("/up-dir/planted.txt", CreateOptions{}));
  EXPECT_FALSE(ufs.mkdirs("/abs-dir/made", 0755).isOk());
  EXPECT_FALSE(ufs.rename("/inside/ok.txt", "/up-dir/stolen.txt").isOk());
  EXPECT_FALSE(ufs.remove("/up-dir/secret.txt", false).isOk());
  EXPECT_FALSE(ufs.remove("/abs-dir/secret.txt", false).isOk());
  EXPECT_FALSE(fs::exists(top.sub("outside/planted.txt")));
  EXPECT_FALSE(fs::exists(top.sub("outside/made")));
  EXPECT_FALSE(fs::exists(top.sub("outside/stolen.txt")));
  EXPECT_TRUE(fs::exists(top.sub("outside/secret.txt")));
  // A listing and a lookup show every link as a link with its text, whatever it points to.
  auto l = ufs.list("/");
  ASSERT_TRUE(l);
  std::map<std::string, std::string> links;
  for (const auto& e : *l) {
    if (!e.symlink_target.empty()) links[e.name] = e.symlink_target;
  }
  EXPECT_EQ(links, (std::map<std::string, std::string>{{"abs-file", top.sub("outside/secret.txt")},
                                                       {"up-dir", "../outside"},
                                                       {"abs-dir", top.sub("outside")},
                                                       {"in-link", "inside/ok.txt"}}));
  auto link = ufs.getStatus("/abs-file");
  ASSERT_TRUE(link) << link.error().toString();
  EXPECT_FALSE(link->is_dir);
  EXPECT_EQ(link->symlink_target, top.sub("outside/secret.txt"));
  EXPECT_EQ(link->size, link->symlink_target.size());
  // Removing a link removes the link, never what it points to.
  ASSERT_TRUE(ufs.remove("/abs-dir", true).isOk());
  EXPECT_TRUE(fs::exists(top.sub("outside/secret.txt")));
  // A link Shoal makes is a real link in the store; a second one at the same name is refused.
  ASSERT_TRUE(ufs.symlink("inside/ok.txt", "/made-link").isOk());
  EXPECT_EQ(fs::read_symlink(top.sub("root/made-link")), "inside/ok.txt");
  Status again = ufs.symlink("other", "/made-link");
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.toString();
  EXPECT_EQ(ufs.symlink("", "/empty-link").code(), StatusCode::kInvalidArgument);
}

// A FIFO planted in the store is passed by: listings skip it, and neither a lookup nor a read of
// it waits for a writer that never comes.
// Attributes land on the file itself (read back with getxattr(2)), and never on what a link
// names: not a file outside the root, not one inside it.
TEST(LocalUfs, ExtendedAttributesGoOnTheFileAndNeverThroughALink) {
  shoal::testing::TempDir top;
  top.write("outside/secret.txt", "secret");
  top.write("root/file.txt", "x");
  namespace fs = std::filesystem;
  fs::create_symlink(top.sub("outside/secret.txt"), top.sub("root/abs-file"));
  fs::create_symlink("file.txt", top.sub("root/in-link"));
  fs::create_symlink("../outside", top.sub("root/up-dir"));
  LocalUfs ufs("file://" + top.sub("root"), top.sub("root"));
  ASSERT_TRUE(ufs.setXattr("/file.txt", "user.tag", "blue").isOk());
  char buf[16];
  ssize_t n = ::getxattr(top.sub("root/file.txt").c_str(), "user.tag", buf, sizeof(buf));
  ASSERT_EQ(n, 4);
  EXPECT_EQ(std::string(buf, 4), "blue");
  for (std::string link : {"/abs-file", "/in-link", "/up-dir/secret.txt"}) {
    SCOPED_TRACE(link);
    EXPECT_FALSE(ufs.setXattr(link, "user.planted", "1").isOk());
  }
  EXPECT_LT(::getxattr(top.sub("outside/secret.txt").c_str(), "user.planted", buf, sizeof(buf)), 0);
  EXPECT_LT(::getxattr(top.sub("root/file.txt").c_str(), "user.planted", buf, sizeof(buf)), 0);
  ASSERT_TRUE(ufs.removeXattr("/file.txt", "user.tag").isOk());
  EXPECT_LT(::getxattr(top.sub("root/file.txt").c_str(), "user.tag", buf, sizeof(buf)), 0);
}

TEST(LocalUfs, FifosInTheStoreNeverHang) {
  shoal::testing::TempDir dir;
  dir.write("a.txt", "a");
  ASSERT_EQ(::mkfifo(dir.sub("pipe").c_str(), 0644), 0);
  LocalUfs ufs("file://" + dir.path(), dir.path());
  auto l = ufs.list("/");
  ASSERT_TRUE(l);
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0].name, "a.txt");
  auto st = ufs.getStatus("/pipe");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), StatusCode::kNotFound);
  EXPECT_NE(st.error().message().find("FIFO"), std::string::npos) << st.error().toString();
  char buf[4];
  EXPECT_FALSE(ufs.read("/pipe", 0, {buf, sizeof(buf)}));
}

}  // namespace
}  // namespace shoal::ufs::testing
