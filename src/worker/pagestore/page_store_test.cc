#include "worker/pagestore/page_store.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

#include "testing/temp_dir.h"

namespace shoal::worker {
namespace {

using shoal::testing::TempDir;

std::string pageData(uint64_t seed, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((seed * 131 + i * 7) & 0xff);
  return s;
}

std::string readPage(PageStore& store, const PageKey& key) {
  auto h = store.get(key);
  if (!h) return "<miss>";
  std::string out(h->length(), '\0');
  ssize_t n = ::pread(h->fd(), out.data(), out.size(), 0);
  if (n != static_cast<ssize_t>(out.size())) return "<short read>";
  return out;
}

std::unique_ptr<PageStore> openStore(const std::vector<TierConfig>& tiers) {
  auto s = PageStore::open(tiers);
  EXPECT_TRUE(s) << (s ? "" : s.error().toString());
  return s ? std::move(*s) : nullptr;
}

TEST(PageStore, PutGetRoundTripAcrossTiers) {
  TempDir mem("shoal-mem"), ssd("shoal-ssd");
  // Room for 2 pages of 1000 bytes in MEM and 3 on SSD (each page carries a 12-byte trailer).
  auto store = openStore({{"MEM", mem.path(), 2024}, {"SSD0", ssd.path(), 3036}});
  for (uint64_t i = 0; i < 5; ++i) ASSERT_TRUE(store->put({7, 1, i}, pageData(i, 1000)).isOk());
  for (uint64_t i = 0; i < 5; ++i) EXPECT_EQ(readPage(*store, {7, 1, i}), pageData(i, 1000)) << i;
  auto stats = store->stats();
  EXPECT_EQ(stats[0].pages, 2u);
  EXPECT_EQ(stats[1].pages, 3u);
  EXPECT_EQ(readPage(*store, {7, 2, 0}), "<miss>") << "another version of the file is another page";
}

TEST(PageStore, EvictsLeastRecentlyUsedAndNeverPinned) {
  TempDir mem("shoal-mem");
  auto store = openStore({{"MEM", mem.path(), 3 * 112}});
  ASSERT_TRUE(store->put({1, 1, 0}, pageData(0, 100)).isOk());
  ASSERT_TRUE(store->put({2, 1, 0}, pageData(1, 100)).isOk());
  ASSERT_TRUE(store->put({3, 1, 0}, pageData(2, 100)).isOk());
  store->pinFile(1);
  ASSERT_TRUE(store->get({2, 1, 0}));  // 2 is now more recent than 3
  ASSERT_TRUE(store->put({4, 1, 0}, pageData(3, 100)).isOk());
  EXPECT_TRUE(store->contains({1, 1, 0})) << "pinned pages stay";
  EXPECT_TRUE(store->contains({2, 1, 0}));
  EXPECT_FALSE(store->contains({3, 1, 0})) << "the least recently used page goes";
  EXPECT_TRUE(store->contains({4, 1, 0}));
  store->pinFile(2);
  store->pinFile(4);
  Status full = store->put({5, 1, 0}, pageData(4, 100));
  EXPECT_EQ(full.code(), StatusCode::kUnavailable);
  EXPECT_NE(full.message().find("pinned"), std::string::npos);
  store->unpinFile(2);
  EXPECT_TRUE(store->put({5, 1, 0}, pageData(4, 100)).isOk());
  EXPECT_FALSE(store->contains({2, 1, 0}));
  EXPECT_EQ(std::filesystem::exists(mem.sub(PageKey{2, 1, 0}.relativePath())), false) << "evicted file deleted";
  EXPECT_EQ(store->put({9, 1, 0}, pageData(9, 5000)).code(), StatusCode::kInvalidArgument);
}

TEST(PageStore, RebuildsFromDiskAndDropsCorruptOrPartialPages) {
  TempDir ssd("shoal-ssd");
  {
    auto store = openStore({{"SSD0", ssd.path(), 1 << 20}});
    for (uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(store->put({42, 9, i}, pageData(i, 4096)).isOk());
  }
  // Bit rot in page 1, a truncated page 2, a crash's leftover temp file, and a stray file.
  {
    std::fstream f(ssd.sub(PageKey{42, 9, 1}.relativePath()), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x55');
  }
  std::filesystem::resize_file(ssd.sub(PageKey{42, 9, 2}.relativePath()), 2000);
  ssd.write(PageKey{42, 9, 7}.relativePath() + ".123.0.tmp", "half");
  ssd.write("junk.txt", "not a page");
  auto store = openStore({{"SSD0", ssd.path(), 1 << 20}});
  EXPECT_EQ(readPage(*store, {42, 9, 0}), pageData(0, 4096));
  EXPECT_EQ(readPage(*store, {42, 9, 3}), pageData(3, 4096));
  EXPECT_EQ(readPage(*store, {42, 9, 1}), "<miss>") << "a corrupt page must never be served";
  EXPECT_EQ(readPage(*store, {42, 9, 2}), "<miss>") << "a truncated page must never be served";
  EXPECT_EQ(store->corruptPagesDropped(), 2u);
  EXPECT_FALSE(std::filesystem::exists(ssd.sub("junk.txt")));
  EXPECT_FALSE(store->contains({42, 9, 7}));
  EXPECT_EQ(store->stats()[0].pages, 2u);
}

TEST(PageStore, RemoveFileKeepsOnlyTheCurrentVersion) {
  TempDir mem("shoal-mem");
  auto store = openStore({{"MEM", mem.path(), 1 << 20}});
  ASSERT_TRUE(store->put({5, 1, 0}, "old").isOk());
  ASSERT_TRUE(store->put({5, 1, 1}, "old").isOk());
  ASSERT_TRUE(store->put({5, 2, 0}, "new").isOk());
  ASSERT_TRUE(store->put({6, 1, 0}, "other").isOk());
  store->removeFile(5, 2);
  EXPECT_EQ(store->pagesOf(5), (std::vector<PageKey>{{5, 2, 0}}));
  store->removeFile(5);
  EXPECT_TRUE(store->pagesOf(5).empty());
  EXPECT_TRUE(store->contains({6, 1, 0}));
}

TEST(PageStore, ConcurrentPutsAndGetsStayConsistent) {
  TempDir mem("shoal-mem");
  auto store = openStore({{"MEM", mem.path(), 50 * (512 + 12)}});
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0}, hits{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0; i < 300; ++i) {
        uint64_t page = (i * 7 + t) % 120;
        (void)store->put({1, 1, page}, pageData(page, 512));
        std::string got = readPage(*store, {1, 1, page});
        if (got == "<miss>") continue;
        ++hits;
        if (got != pageData(page, 512)) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(hits.load(), 0) << "a test where every get misses proves nothing";
  auto s = store->stats()[0];
  EXPECT_LE(s.used, s.capacity);
  EXPECT_EQ(s.used, s.pages * (512 + 12));
  // Every page the index still lists is served, whole and right.
  auto left = store->pagesOf(1);
  EXPECT_EQ(left.size(), s.pages);
  for (const auto& k : left) EXPECT_EQ(readPage(*store, k), pageData(k.index, 512)) << k.toString();
}

// The race of ad0e84b: with a one-page cache every put evicts the other key, so readers keep
// finding page files gone while writers re-insert the same keys. A reader once erased a writer's
// fresh entry mid-write and the writer dereferenced end() (caught by UBSan in make test).
TEST(PageStore, ReadersOfEvictedPagesNeverDropAWritersNewerEntry) {
  TempDir mem("shoal-mem");
  auto store = openStore({{"MEM", mem.path(), 512 + 12}});
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0; i < 3000; ++i) {
        uint64_t page = (i + t) % 2;
        Status st = store->put({9, 1, page}, pageData(page, 512));
        if (!st && st.code() != StatusCode::kUnavailable) ++wrong;
        std::string got = readPage(*store, {9, 1, page});
        if (got != "<miss>" && got != pageData(page, 512)) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  auto s = store->stats()[0];
  EXPECT_LE(s.pages, 1u);
  EXPECT_EQ(s.used, s.pages * (512 + 12));
  EXPECT_EQ(store->pagesOf(9).size(), s.pages);
}

// Per-file operations go through the by-file index: they see exactly that file's pages, and the
// index follows every put, publish and removal.
TEST(PageStore, PerFileOperationsSeeExactlyThatFilesPages) {
  TempDir mem("shoal-mem");
  auto store = openStore({{"MEM", mem.path(), 1000 * (64 + 12)}});
  for (uint64_t f = 1; f <= 50; ++f) {
    for (uint64_t p = 0; p < 5; ++p) ASSERT_TRUE(store->put({f, kWritingVersion, p}, pageData(p, 64), true).isOk());
  }
  EXPECT_EQ(store->publishVersion(7, kWritingVersion, 70), 5u);
  EXPECT_EQ(store->pagesOf(7).size(), 5u);
  EXPECT_TRUE(store->pagesOf(8).empty()) << "pages being written are not listed";
  store->removeVersion(8, kWritingVersion);
  EXPECT_EQ(store->publishVersion(8, kWritingVersion, 80), 0u) << "removed pages cannot be published";
  ASSERT_TRUE(store->put({7, 71, 0}, pageData(0, 64)).isOk());
  store->removeFile(7, /*keep_version=*/70);
  auto left = store->pagesOf(7);
  ASSERT_EQ(left.size(), 5u);
  for (const auto& k : left) EXPECT_EQ(k.version, 70u);
  store->removeFile(7);
  EXPECT_TRUE(store->pagesOf(7).empty());
  EXPECT_EQ(store->publishVersion(9, kWritingVersion, 90), 5u) << "other files are untouched";
}

// The eviction policy holds only evictable pages: pins set after the pages were cached, the
// heartbeat's full pin set, and held pages all keep pages out of it, and release puts them back.
TEST(PageStore, PinsAndHeldPagesLeaveAndRejoinEviction) {
  TempDir mem("shoal-mem");
  auto store = openStore({{"MEM", mem.path(), 4 * 112}});
  ASSERT_TRUE(store->put({1, 1, 0}, pageData(0, 100)).isOk());
  ASSERT_TRUE(store->put({2, 1, 0}, pageData(1, 100)).isOk());
  ASSERT_TRUE(store->put({3, kWritingVersion, 0}, pageData(2, 100), /*held=*/true).isOk());
  ASSERT_TRUE(store->put({4, 1, 0}, pageData(3, 100)).isOk());
  store->setPinnedFiles({1, 2});
  ASSERT_TRUE(store->get({1, 1, 0})) << "a read of a pinned page must not put it back into eviction";
  ASSERT_TRUE(store->put({5, 1, 0}, pageData(4, 100)).isOk());
  EXPECT_FALSE(store->contains({4, 1, 0})) << "the only evictable page goes";
  store->setPinnedFiles({1, 2, 5});
  EXPECT_EQ(store->put({6, 1, 0}, pageData(5, 100)).code(), StatusCode::kUnavailable);
  store->setPinnedFiles({2, 5});  // file 1 leaves the pin set: its page is evictable again
  ASSERT_TRUE(store->put({6, 1, 0}, pageData(5, 100)).isOk());
  EXPECT_FALSE(store->contains({1, 1, 0}));
  EXPECT_TRUE(store->contains({2, 1, 0}));
  EXPECT_EQ(store->publishVersion(3, kWritingVersion, 30), 1u);
  EXPECT_EQ(readPage(*store, {3, 30, 0}), pageData(2, 100));
  ASSERT_TRUE(store->get({5, 1, 0}));
  ASSERT_TRUE(store->get({6, 1, 0}));
  ASSERT_TRUE(store->put({7, 1, 0}, pageData(6, 100)).isOk());
  EXPECT_FALSE(store->contains({3, 30, 0})) << "a published page is evictable like any other";
  auto s = store->stats()[0];
  EXPECT_EQ(s.used, s.pages * 112);
}

// A publish renames page files outside the lock; readers of the new version meanwhile get a miss
// or the whole right page, and when it returns every page is there.
TEST(PageStore, ReadersDuringAPublishSeeAMissOrTheRightPage) {
  TempDir mem("shoal-mem");
  auto store = openStore({{"MEM", mem.path(), 1 << 22}});
  for (uint64_t round = 1; round <= 20; ++round) {
    for (uint64_t p = 0; p < 64; ++p) ASSERT_TRUE(store->put({round, kWritingVersion, p}, pageData(p + round, 256), true).isOk());
    std::atomic<bool> done{false};
    std::atomic<int> wrong{0};
    std::thread reader([&] {
      while (!done.load()) {
        for (uint64_t p = 0; p < 64; ++p) {
          std::string got = readPage(*store, {round, 7, p});
          if (got != "<miss>" && got != pageData(p + round, 256)) ++wrong;
        }
      }
    });
    EXPECT_EQ(store->publishVersion(round, kWritingVersion, 7), 64u);
    done = true;
    reader.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(store->pagesOf(round).size(), 64u);
    for (uint64_t p = 0; p < 64; ++p) ASSERT_EQ(readPage(*store, {round, 7, p}), pageData(p + round, 256));
  }
  auto s = store->stats()[0];
  EXPECT_EQ(s.pages, 20u * 64u);
  EXPECT_EQ(s.used, s.pages * (256 + 12));
}

TEST(PageStore, BadTierConfigIsRefused) {
  EXPECT_FALSE(PageStore::open({}));
  TempDir d("shoal-tier");
  auto zero = PageStore::open({{"MEM", d.path(), 0}});
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message().find("capacity is 0"), std::string::npos);
  d.write("afile", "x");
  auto onfile = PageStore::open({{"MEM", d.sub("afile") + "/sub", 100}});
  ASSERT_FALSE(onfile);
  EXPECT_NE(onfile.error().message().find("cannot create"), std::string::npos);
}

}  // namespace
}  // namespace shoal::worker
