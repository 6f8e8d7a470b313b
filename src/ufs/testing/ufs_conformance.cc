#include "ufs/testing/ufs_conformance.h"

#include <algorithm>
#include <set>
#include <thread>

namespace shoal::ufs::testing {

void UfsConformance::SetUp() {
  ufs_ = GetParam().make();
  if (ufs_) return;
  // A store that should be there but is not (the make() reported why) fails; one not configured
  // for this run is skipped. Either way the body must not run on a null store.
  if (HasFailure()) GTEST_FAIL() << GetParam().name << " could not be reached";
  GTEST_SKIP() << GetParam().name << " is not available here";
}

namespace {

Status writeFile(Ufs& ufs, const std::string& path, const std::string& data) {
  auto out = ufs.create(path, CreateOptions{});
  if (!out) return out.error();
  // Several writes, so backends that buffer or upload in parts see more than one call.
  size_t step = std::max<size_t>(1, data.size() / 3);
  for (size_t off = 0; off < data.size(); off += step) {
    SHOAL_RETURN_IF_ERROR((*out)->write({data.data() + off, std::min(step, data.size() - off)}));
  }
  return (*out)->close();
}

std::string readAll(Ufs& ufs, const std::string& path, size_t size) {
  std::string buf(size + 16, '\0');
  auto n = ufs.read(path, 0, {buf.data(), buf.size()});
  if (!n) return "<error: " + n.error().toString() + ">";
  buf.resize(*n);
  return buf;
}

std::set<std::string> names(Ufs& ufs, const std::string& dir) {
  std::set<std::string> out;
  auto l = ufs.list(dir);
  if (l) for (const auto& e : *l) out.insert(e.name + (e.is_dir ? "/" : ""));
  return out;
}

}  // namespace

TEST_P(UfsConformance, RootIsADirectory) {
  auto st = ufs_->getStatus("/");
  ASSERT_TRUE(st) << st.error().toString();
  EXPECT_TRUE(st->is_dir);
}

TEST_P(UfsConformance, WriteThenStatAndReadBack) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>('a' + i % 26));
  ASSERT_TRUE(writeFile(*ufs_, "/file.bin", data).isOk());
  auto st = ufs_->getStatus("/file.bin");
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->is_dir);
  EXPECT_EQ(st->size, data.size());
  EXPECT_EQ(st->name, "file.bin");
  EXPECT_GT(st->mtime_ms, 0);
  EXPECT_EQ(readAll(*ufs_, "/file.bin", data.size()), data);
}

TEST_P(UfsConformance, PositionalReadsAtAnyOffset) {
  std::string data = "0123456789abcdefghij";
  ASSERT_TRUE(writeFile(*ufs_, "/p", data).isOk());
  char buf[5];
  auto n = ufs_->read("/p", 10, {buf, 5});
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(buf, *n), "abcde");
  n = ufs_->read("/p", 18, {buf, 5});
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(buf, *n), "ij");
  n = ufs_->read("/p", 20, {buf, 5});
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0u);
  n = ufs_->read("/p", 1000, {buf, 5});
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0u);
}

TEST_P(UfsConformance, ConcurrentPositionalReadsDoNotInterfere) {
  std::string data;
  for (int i = 0; i < 4096; ++i) data.push_back(static_cast<char>(i % 251));
  ASSERT_TRUE(writeFile(*ufs_, "/c", data).isOk());
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        size_t off = static_cast<size_t>((t * 397 + i * 61) % 4000);
        char buf[64];
        auto n = ufs_->read("/c", off, {buf, 64});
        if (!n || std::string(buf, *n) != data.substr(off, *n) || *n != std::min<size_t>(64, 4096 - off)) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_P(UfsConformance, MissingPathsAreNotFound) {
  auto st = ufs_->getStatus("/nope");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), StatusCode::kNotFound);
  char buf[4];
  auto r = ufs_->read("/nope", 0, {buf, 4});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  auto l = ufs_->list("/nope");
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code(), StatusCode::kNotFound);
}

TEST_P(UfsConformance, MkdirsAndList) {
  ASSERT_TRUE(ufs_->mkdirs("/d/e/f", 0755).isOk());
  ASSERT_TRUE(ufs_->mkdirs("/d/e/f", 0755).isOk()) << "mkdirs of an existing directory must succeed";
  ASSERT_TRUE(writeFile(*ufs_, "/d/x.txt", "x").isOk());
  EXPECT_EQ(names(*ufs_, "/d"), (std::set<std::string>{"e/", "x.txt"}));
  EXPECT_EQ(names(*ufs_, "/d/e/f"), std::set<std::string>{});
  auto st = ufs_->getStatus("/d/e");
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->is_dir);
}

TEST_P(UfsConformance, CreateDoesNotOverwriteUnlessAsked) {
  ASSERT_TRUE(writeFile(*ufs_, "/o", "first").isOk());
  auto again = ufs_->create("/o", CreateOptions{});
  EXPECT_FALSE(again && (*again)->close().isOk());
  EXPECT_EQ(readAll(*ufs_, "/o", 5), "first");
  auto over = ufs_->create("/o", CreateOptions{0644, true});
  ASSERT_TRUE(over);
  ASSERT_TRUE((*over)->write({"second", 6}).isOk());
  ASSERT_TRUE((*over)->close().isOk());
  EXPECT_EQ(readAll(*ufs_, "/o", 6), "second");
}

TEST_P(UfsConformance, CancelledWriteLeavesNothing) {
  {
    auto out = ufs_->create("/half", CreateOptions{});
    ASSERT_TRUE(out);
    ASSERT_TRUE((*out)->write({"partial", 7}).isOk());
    (*out)->cancel();
  }
  {
    auto out = ufs_->create("/dropped", CreateOptions{});
    ASSERT_TRUE(out);
    ASSERT_TRUE((*out)->write({"partial", 7}).isOk());
    // Destroyed without close().
  }
  EXPECT_EQ(ufs_->getStatus("/half").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(ufs_->getStatus("/dropped").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(names(*ufs_, "/"), std::set<std::string>{});
}

TEST_P(UfsConformance, RenameFilesAndDirectories) {
  ASSERT_TRUE(ufs_->mkdirs("/src/sub", 0755).isOk());
  ASSERT_TRUE(writeFile(*ufs_, "/src/sub/f", "payload").isOk());
  ASSERT_TRUE(ufs_->rename("/src", "/dst").isOk());
  EXPECT_EQ(ufs_->getStatus("/src").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(readAll(*ufs_, "/dst/sub/f", 7), "payload");
  ASSERT_TRUE(writeFile(*ufs_, "/g", "g").isOk());
  ASSERT_TRUE(ufs_->rename("/dst/sub/f", "/moved").isOk());
  EXPECT_EQ(readAll(*ufs_, "/moved", 7), "payload");
  EXPECT_FALSE(ufs_->rename("/g", "/moved").isOk()) << "rename onto an existing file must fail";
  EXPECT_EQ(readAll(*ufs_, "/moved", 7), "payload");
  EXPECT_EQ(ufs_->rename("/nope", "/x").code(), StatusCode::kNotFound);
}

// rename(2)'s replacing form: the master checks the kinds; the store replaces in one step.
TEST_P(UfsConformance, RenameReplacesAFileOrAnEmptyDirectoryWhenAsked) {
  ASSERT_TRUE(writeFile(*ufs_, "/old", "old contents").isOk());
  ASSERT_TRUE(writeFile(*ufs_, "/new", "new").isOk());
  ASSERT_TRUE(ufs_->rename("/new", "/old", /*replace=*/true).isOk());
  EXPECT_EQ(readAll(*ufs_, "/old", 64), "new");
  EXPECT_EQ(ufs_->getStatus("/new").error().code(), StatusCode::kNotFound);
  ASSERT_TRUE(ufs_->mkdirs("/empty", 0755).isOk());
  ASSERT_TRUE(ufs_->mkdirs("/full", 0755).isOk());
  ASSERT_TRUE(writeFile(*ufs_, "/full/f", "f").isOk());
  ASSERT_TRUE(ufs_->rename("/full", "/empty", /*replace=*/true).isOk());
  EXPECT_EQ(readAll(*ufs_, "/empty/f", 8), "f");
  EXPECT_EQ(ufs_->getStatus("/full").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(names(*ufs_, "/"), (std::set<std::string>{"empty/", "old"}));
}

// touch -d: a store that can set a file's modification time reports exactly that time afterwards;
// one that cannot says so (FailedPrecondition) and leaves the file as it was.
TEST_P(UfsConformance, ModificationTimeIsSetOrRefusedCleanly) {
  ASSERT_TRUE(writeFile(*ufs_, "/t", "timed").isOk());
  const int64_t when = 1700000000123;
  Status st = ufs_->setModificationTime("/t", when);
  auto after = ufs_->getStatus("/t");
  ASSERT_TRUE(after);
  if (st) {
    EXPECT_EQ(after->mtime_ms, when);
  } else {
    EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.toString();
  }
  EXPECT_EQ(readAll(*ufs_, "/t", 16), "timed");
  EXPECT_EQ(ufs_->setModificationTime("/missing", when).code(), st ? StatusCode::kNotFound : StatusCode::kFailedPrecondition);
  EXPECT_EQ(ufs_->setModificationTime("/../t", when).code(), StatusCode::kInvalidArgument);
}

TEST_P(UfsConformance, RemoveRespectsRecursion) {
  ASSERT_TRUE(ufs_->mkdirs("/r/s", 0755).isOk());
  ASSERT_TRUE(writeFile(*ufs_, "/r/s/f", "f").isOk());
  EXPECT_FALSE(ufs_->remove("/r", false).isOk()) << "non-recursive remove of a non-empty directory must fail";
  EXPECT_TRUE(ufs_->getStatus("/r/s/f"));
  ASSERT_TRUE(ufs_->remove("/r/s/f", false).isOk());
  ASSERT_TRUE(ufs_->remove("/r/s", false).isOk());
  ASSERT_TRUE(writeFile(*ufs_, "/r/t", "t").isOk());
  ASSERT_TRUE(ufs_->remove("/r", true).isOk());
  EXPECT_EQ(ufs_->getStatus("/r").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(ufs_->remove("/r", true).code(), StatusCode::kNotFound);
}

TEST_P(UfsConformance, EmptyFileRoundTrip) {
  ASSERT_TRUE(writeFile(*ufs_, "/empty", "").isOk());
  auto st = ufs_->getStatus("/empty");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, 0u);
  EXPECT_EQ(readAll(*ufs_, "/empty", 0), "");
}

// Extended attributes are kept or refused as NotSupported (the namespace then keeps them alone);
// removing one the file does not have is fine; a missing file is NotFound; only user.* names.
TEST_P(UfsConformance, ExtendedAttributesAreKeptOrRefusedCleanly) {
  ASSERT_TRUE(writeFile(*ufs_, "/tagged", "x").isOk());
  ASSERT_TRUE(ufs_->mkdirs("/dir", 0755).isOk());
  Status set = ufs_->setXattr("/tagged", "user.colour", "blue");
  if (set.code() == StatusCode::kNotSupported) {
    EXPECT_NE(set.message().find("extended attributes"), std::string::npos) << set.toString();
    EXPECT_EQ(ufs_->removeXattr("/tagged", "user.colour").code(), StatusCode::kNotSupported);
  } else {
    ASSERT_TRUE(set.isOk()) << set.toString();
    EXPECT_TRUE(ufs_->setXattr("/dir", "user.colour", "red").isOk());
    EXPECT_TRUE(ufs_->removeXattr("/tagged", "user.colour").isOk());
    EXPECT_TRUE(ufs_->removeXattr("/tagged", "user.never-set").isOk());
    EXPECT_EQ(ufs_->setXattr("/missing", "user.colour", "x").code(), StatusCode::kNotFound);
  }
  EXPECT_EQ(ufs_->setXattr("/tagged", "trusted.x", "1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(readAll(*ufs_, "/tagged", 1), "x") << "the file's bytes are untouched";
}

// The contract of ufs.h: a store is never asked for anything outside its root. Every call refuses
// a path that is not normal (here, ones that would climb out of the root) before the backend sees
// it, so nothing is read, written, renamed or removed there.
TEST_P(UfsConformance, PathsThatCouldLeaveTheRootAreRefused) {
  ASSERT_TRUE(writeFile(*ufs_, "/inside", "x").isOk());
  char buf[8];
  for (std::string bad : {"/../inside", "/a/../../inside", "//inside", "inside", "/./inside", "/inside/", ""}) {
    SCOPED_TRACE("'" + bad + "'");
    auto st = ufs_->getStatus(bad);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code(), StatusCode::kInvalidArgument) << st.error().toString();
    EXPECT_EQ(ufs_->list(bad).error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ufs_->read(bad, 0, {buf, sizeof(buf)}).error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ufs_->readIfUnchanged(bad, 1, 0, 0, {buf, sizeof(buf)}).error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ufs_->create(bad, CreateOptions{}).error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ufs_->mkdirs(bad, 0755).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ufs_->remove(bad, true).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ufs_->rename("/inside", bad).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ufs_->rename(bad, "/elsewhere").code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ufs_->setXattr(bad, "user.a", "1").code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ufs_->removeXattr(bad, "user.a").code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(readAll(*ufs_, "/inside", 1), "x") << "nothing happened to the file inside";
  EXPECT_EQ(names(*ufs_, "/"), (std::set<std::string>{"inside"}));
}

}  // namespace shoal::ufs::testing
