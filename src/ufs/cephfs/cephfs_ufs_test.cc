// The cephfs:// backend against the shared conformance suite and the test Ceph, plus its own
// mount-time errors.
#include "ufs/cephfs/cephfs_ufs.h"

#include <atomic>
#include <unistd.h>

#include "testing/test_ceph.h"
#include "ufs/testing/ufs_conformance.h"

namespace shoal::ufs::testing {
namespace {

std::shared_ptr<Ufs> makeCeph() {
  auto ceph = shoal::testing::testCeph();
  if (!ceph) return nullptr;  // not run by CTest: skipped
  UfsRegistry registry;
  registerBuiltinUfs(registry);
  auto root = registry.create("cephfs:///", {{"ceph.conf", ceph->conf()}});
  if (!root) {
    ADD_FAILURE() << root.error().toString();
    return nullptr;
  }
  static std::atomic<int> seq{0};
  std::string dir = "/conformance-" + std::to_string(::getpid()) + "-" + std::to_string(seq++);
  if (Status st = (*root)->mkdirs(dir, 0755); !st) {
    ADD_FAILURE() << st.toString();
    return nullptr;
  }
  auto ufs = registry.create("cephfs://" + dir, {{"ceph.conf", ceph->conf()}});
  if (!ufs) ADD_FAILURE() << ufs.error().toString();
  return ufs ? *ufs : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Ceph, UfsConformance, ::testing::Values(UfsTarget{"cephfs", makeCeph}),
                         [](const auto& info) { return info.param.name; });

class CephUfsErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    ceph_ = shoal::testing::testCeph();
    if (!ceph_) GTEST_SKIP() << "run by CTest with the test Ceph";
    registerBuiltinUfs(registry_);
  }
  std::optional<shoal::testing::TestCeph> ceph_;
  UfsRegistry registry_;
};

TEST_F(CephUfsErrors, MissingDirectoryIsAMountTimeError) {
  auto r = registry_.create("cephfs:///no/such/dir", {{"ceph.conf", ceph_->conf()}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  EXPECT_NE(r.error().message().find("cephfs:///no/such/dir"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("does not exist"), std::string::npos) << r.error().message();
}

TEST_F(CephUfsErrors, UnknownFileSystemAndOptionsAreRefused) {
  auto fs = registry_.create("cephfs://nosuchfs/", {{"ceph.conf", ceph_->conf()}});
  ASSERT_FALSE(fs);
  EXPECT_NE(fs.error().message().find("nosuchfs"), std::string::npos) << fs.error().message();
  auto opt = registry_.create("cephfs:///", {{"ceph.conf", ceph_->conf()}, {"ceph.colour", "red"}});
  ASSERT_FALSE(opt);
  EXPECT_NE(opt.error().message().find("unknown mount option 'ceph.colour'"), std::string::npos);
  auto conf = registry_.create("cephfs:///", {{"ceph.conf", "/no/such/ceph.conf"}});
  ASSERT_FALSE(conf);
  EXPECT_NE(conf.error().message().find("/no/such/ceph.conf"), std::string::npos) << conf.error().message();
  auto timeout = registry_.create("cephfs:///", {{"ceph.conf", ceph_->conf()}, {"ceph.timeout", "soon"}});
  ASSERT_FALSE(timeout);
  EXPECT_NE(timeout.error().message().find("ceph.timeout"), std::string::npos);
}

TEST_F(CephUfsErrors, UnreachableClusterFailsWithinTheTimeout) {
  // A conf whose monitor nobody listens on: the mount must fail, naming the store, not hang.
  std::string conf = "/tmp/shoal-unreachable-ceph-" + std::to_string(::getpid()) + ".conf";
  FILE* f = std::fopen(conf.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("[global]\nmon host = v2:127.0.0.1:1\nauth client required = none\n", f);
  std::fclose(f);
  auto r = registry_.create("cephfs:///", {{"ceph.conf", conf}, {"ceph.timeout", "2s"}});
  ::unlink(conf.c_str());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("cephfs:///"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace shoal::ufs::testing
