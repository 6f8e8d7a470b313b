// The public C++ API (include/shoal/file_system.h) against one master and one worker: what a
// program writes with each write type it reads back, sequentially and at offsets, and the
// namespace calls report errors that name the path.
#include <gtest/gtest.h>

#include "harness/master_cluster.h"
#include "shoal/file_system.h"
#include "testing/random_bytes.h"

namespace shoal::testing {
namespace {

TEST(ClientApiTest, WriteReadAndNamespaceThroughThePublicHeader) {
  TempDir store("shoal-api-store");
  MasterUnderTest master;
  ASSERT_TRUE(master.start()) << master.log();
  ASSERT_EQ(master.cli({"fs", "mount", "/data", "file://" + store.path()}).exit_code, 0);
  WorkerUnderTest worker(master);
  ASSERT_TRUE(worker.start()) << worker.log();

  auto fs = FileSystem::connect({"shoal.master.rpc.port=" + std::to_string(master.port())});
  ASSERT_TRUE(fs) << fs.error().toString();
  ASSERT_TRUE((*fs)->mkdir("/data/api"));
  const std::string data = randomBytes((3 << 20) + 17, 4);
  for (auto type : {WriteType::kMustCache, WriteType::kCacheThrough, WriteType::kThrough}) {
    std::string path = "/data/api/f" + std::to_string(static_cast<int>(type));
    auto out = (*fs)->create(path, type);
    ASSERT_TRUE(out) << out.error().toString();
    ASSERT_TRUE((*out)->write({data.data(), data.size()}));
    auto closed = (*out)->close();
    ASSERT_TRUE(closed) << closed.error().toString();
    EXPECT_EQ(closed->size, data.size());
    EXPECT_EQ(closed->persisted, type != WriteType::kMustCache);

    auto in = (*fs)->open(path);
    ASSERT_TRUE(in) << in.error().toString();
    std::string back;
    std::vector<char> buf(1 << 20);
    for (;;) {
      auto n = (*in)->read({buf.data(), buf.size()});
      ASSERT_TRUE(n) << n.error().toString();
      if (*n == 0) break;
      back.append(buf.data(), *n);
    }
    EXPECT_TRUE(back == data) << path;
    std::string mid(100, '\0');
    ASSERT_EQ(*(*in)->pread(2'000'000, {mid.data(), mid.size()}), 100u);
    EXPECT_EQ(mid, data.substr(2'000'000, 100));
  }
  auto listed = (*fs)->list("/data/api");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 3u);
  ASSERT_TRUE((*fs)->rename("/data/api/f2", "/data/api/g"));
  EXPECT_EQ((*fs)->getStatus("/data/api/g")->size, data.size());
  ASSERT_TRUE((*fs)->remove("/data/api", true));

  auto missing = (*fs)->open("/data/nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.error().message().find("/data/nope"), std::string::npos);
  auto dir = (*fs)->open("/data");
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code(), StatusCode::kIsADirectory);
  auto bad = FileSystem::connect({"shoal.user.file.writetype.default=SOMETIMES"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("shoal.user.file.writetype.default"), std::string::npos) << bad.error().toString();
}

}  // namespace
}  // namespace shoal::testing
