// The local backend against the shared conformance suite, plus file://-specific checks.
#include "ufs/local/local_ufs.h"

#include <list>

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

}  // namespace
}  // namespace shoal::ufs::testing
