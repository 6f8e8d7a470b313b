#include "master/metastore/heap/heap_inode_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <sstream>

namespace shoal::master {
namespace {

Inode fileAttrs(uint64_t size = 0) {
  Inode a;
  a.flags = kInodeComplete;
  a.mode = 0644;
  a.owner = "alice";
  a.group = "staff";
  a.size = size;
  a.mtime_ms = 1000;
  return a;
}

Inode dirAttrs() {
  Inode a = fileAttrs();
  a.flags |= kInodeDir;
  a.mode = 0755;
  return a;
}

TEST(HeapInodeStore, AddLookupListRemove) {
  HeapInodeStore s(7);
  InodeId root = s.rootId();
  EXPECT_EQ(root >> 48, 7u) << "cluster id must sit in the top 16 bits";
  auto d = s.addChild(root, "dir", dirAttrs());
  ASSERT_TRUE(d);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(s.addChild(*d, "f" + std::to_string(100 - i), fileAttrs(i)));
  EXPECT_EQ(s.inodeCount(), 52u);
  auto f = s.child(*d, "f75");
  ASSERT_TRUE(f);
  Inode got;
  ASSERT_TRUE(s.get(*f, &got));
  EXPECT_EQ(got.name, "f75");
  EXPECT_EQ(got.size, 25u);
  EXPECT_EQ(got.owner, "alice");
  EXPECT_EQ(got.parent, *d);
  EXPECT_FALSE(s.child(*d, "f999"));

  std::vector<Inode> page;
  bool more = false;
  s.listChildren(*d, "", 20, &page, &more);
  ASSERT_EQ(page.size(), 20u);
  EXPECT_TRUE(more);
  EXPECT_EQ(page.front().name, "f100");
  for (size_t i = 1; i < page.size(); ++i) EXPECT_LT(page[i - 1].name, page[i].name);
  std::vector<Inode> rest;
  s.listChildren(*d, page.back().name, 100, &rest, &more);
  EXPECT_EQ(rest.size(), 30u);
  EXPECT_FALSE(more);

  s.removeLeaf(*f);
  EXPECT_FALSE(s.child(*d, "f75"));
  EXPECT_FALSE(s.get(*f, &got)) << "a removed inode's id must not resolve";
  auto again = s.addChild(*d, "f75", fileAttrs());
  ASSERT_TRUE(again);
  EXPECT_NE(*again, *f) << "a reused slot must get a new id (generation)";
  EXPECT_EQ(s.inodeCount(), 52u);
}

TEST(HeapInodeStore, MoveRenamesAndReparents) {
  HeapInodeStore s(1);
  auto a = *s.addChild(s.rootId(), "a", dirAttrs());
  auto b = *s.addChild(s.rootId(), "b", dirAttrs());
  auto f = *s.addChild(a, "f", fileAttrs(9));
  ASSERT_TRUE(s.move(f, b, "g").isOk());
  EXPECT_FALSE(s.child(a, "f"));
  ASSERT_TRUE(s.child(b, "g"));
  EXPECT_EQ(*s.child(b, "g"), f);
  EXPECT_FALSE(s.hasChildren(a));
  EXPECT_TRUE(s.hasChildren(b));
}

// The child index under heavy churn must agree with a plain map at every step.
TEST(HeapInodeStore, IndexAgreesWithReferenceUnderChurn) {
  HeapInodeStore s(1);
  std::vector<InodeId> dirs{s.rootId()};
  for (int i = 0; i < 8; ++i) dirs.push_back(*s.addChild(s.rootId(), "d" + std::to_string(i), dirAttrs()));
  std::map<std::pair<InodeId, std::string>, InodeId> ref;
  std::mt19937 rng(42);
  for (int step = 0; step < 40000; ++step) {
    InodeId dir = dirs[1 + rng() % 8];
    std::string name = "n" + std::to_string(rng() % 3000);
    auto key = std::make_pair(dir, name);
    auto it = ref.find(key);
    if (it == ref.end()) {
      ref[key] = *s.addChild(dir, name, fileAttrs());
    } else {
      s.removeLeaf(it->second);
      ref.erase(it);
    }
  }
  for (const auto& [key, id] : ref) {
    auto found = s.child(key.first, key.second);
    ASSERT_TRUE(found) << key.second;
    EXPECT_EQ(*found, id);
  }
  EXPECT_EQ(s.inodeCount(), ref.size() + 9);
}

// Every page of every directory, small (scanned) or large (sorted index), equals the reference
// set's names in order, under adds, removes, renames within and moves across directories, with
// directories crossing the index threshold both ways, and again after a checkpoint reload.
std::vector<std::string> allNames(const HeapInodeStore& s, InodeId dir, size_t page_size) {
  std::vector<std::string> names;
  std::vector<Inode> page;
  bool more = true;
  std::string after;
  while (more) {
    s.listChildren(dir, after, page_size, &page, &more);
    for (const auto& e : page) names.push_back(e.name);
    if (page.empty()) break;
    after = page.back().name;
  }
  return names;
}

TEST(HeapInodeStore, PagedListingsFollowNameOrderUnderChurn) {
  HeapInodeStore s(1);
  std::vector<InodeId> dirs;
  for (int i = 0; i < 3; ++i) dirs.push_back(*s.addChild(s.rootId(), "d" + std::to_string(i), dirAttrs()));
  std::vector<std::map<std::string, InodeId>> ref(dirs.size());
  std::mt19937 rng(7);
  // Directory 0 grows large, 1 hovers around the threshold, 2 stays small.
  const int spread[] = {20000, 300, 60};
  auto check = [&](const HeapInodeStore& store) {
    for (size_t d = 0; d < dirs.size(); ++d) {
      std::vector<std::string> want;
      for (const auto& [name, id] : ref[d]) want.push_back(name);
      for (size_t page_size : {1, 7, 1000}) {
        ASSERT_EQ(allNames(store, dirs[d], page_size), want) << "directory " << d << " page " << page_size;
      }
      if (want.size() > 3) {
        // A page from a cursor that names no child starts at the next name.
        std::string cursor = want[want.size() / 2] + "\x01";
        std::vector<Inode> page;
        bool more = false;
        store.listChildren(dirs[d], cursor, 2, &page, &more);
        ASSERT_FALSE(page.empty());
        EXPECT_EQ(page[0].name, want[want.size() / 2 + 1]);
      }
    }
  };
  for (int step = 0; step < 60000; ++step) {
    size_t d = rng() % dirs.size();
    std::string name = fmt::format("n{}", rng() % spread[d]);
    auto it = ref[d].find(name);
    int op = static_cast<int>(rng() % 10);
    if (it == ref[d].end()) {
      ref[d][name] = *s.addChild(dirs[d], name, fileAttrs());
    } else if (op < 6) {
      s.removeLeaf(it->second);
      ref[d].erase(it);
    } else {
      // Rename within the directory or move to another, under a name free there.
      size_t to = op < 8 ? d : rng() % dirs.size();
      std::string new_name = fmt::format("m{}-{}", step, name);
      InodeId id = it->second;
      ASSERT_TRUE(s.move(id, dirs[to], new_name).isOk());
      ref[d].erase(it);
      ref[to][new_name] = id;
    }
    if (step % 20000 == 0) check(s);
  }
  ASSERT_GT(ref[0].size(), 1000u);
  check(s);
  // Empty the middle directory below the threshold, then refill it.
  for (auto it = ref[1].begin(); it != ref[1].end();) {
    s.removeLeaf(it->second);
    it = ref[1].erase(it);
  }
  check(s);
  for (int i = 0; i < 200; ++i) ref[1][fmt::format("r{:03}", i)] = *s.addChild(dirs[1], fmt::format("r{:03}", i), fileAttrs());
  check(s);

  std::stringstream buf;
  ASSERT_TRUE(s.saveCheckpoint(buf).isOk());
  HeapInodeStore b(1);
  ASSERT_TRUE(b.loadCheckpoint(buf).isOk());
  check(b);
}

TEST(HeapInodeStore, CheckpointRoundTripKeepsIdsAndAllocation) {
  HeapInodeStore a(3);
  auto d = *a.addChild(a.rootId(), "d", dirAttrs());
  std::vector<InodeId> files;
  for (int i = 0; i < 100; ++i) files.push_back(*a.addChild(d, "f" + std::to_string(i), fileAttrs(i)));
  for (int i = 0; i < 100; i += 3) a.removeLeaf(files[i]);
  std::stringstream buf;
  ASSERT_TRUE(a.saveCheckpoint(buf).isOk());

  HeapInodeStore b(3);
  ASSERT_TRUE(b.loadCheckpoint(buf).isOk());
  EXPECT_EQ(b.inodeCount(), a.inodeCount());
  for (int i = 0; i < 100; ++i) {
    auto id = b.child(d, "f" + std::to_string(i));
    if (i % 3 == 0) {
      EXPECT_FALSE(id);
    } else {
      ASSERT_TRUE(id);
      EXPECT_EQ(*id, files[i]);
      Inode got;
      b.get(*id, &got);
      EXPECT_EQ(got.size, static_cast<uint64_t>(i));
    }
  }
  // Both must allocate the same ids from here on (replicas replaying after a checkpoint agree).
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(*a.addChild(d, "n" + std::to_string(i), fileAttrs()), *b.addChild(d, "n" + std::to_string(i), fileAttrs()));
  }
}

// Links, FIFOs and devices keep their type, text and device numbers, and every inode its ctime,
// in the store and through a checkpoint; a freed special slot reused by a file has none of them.
TEST(HeapInodeStore, SpecialFilesAndCtimeSurviveACheckpoint) {
  HeapInodeStore a(3);
  Inode link = fileAttrs(6);
  link.type = InodeType::kSymlink;
  link.symlink_target = "../tgt";
  link.ctime_ms = 2000;
  Inode dev = fileAttrs();
  dev.type = InodeType::kBlockDevice;
  dev.rdev = (8u << 8) | 1;
  Inode plain = fileAttrs(10);
  plain.ctime_ms = 3000;
  plain.atime_ms = 4000;
  auto l = *a.addChild(a.rootId(), "l", link);
  auto d = *a.addChild(a.rootId(), "dev", dev);
  auto f = *a.addChild(a.rootId(), "f", plain);
  auto gone = *a.addChild(a.rootId(), "gone", link);
  a.setXattrs(f, XattrMap{{"user.k", std::string("v\0w", 3)}});
  a.setXattrs(gone, XattrMap{{"user.gone", "x"}});
  a.removeLeaf(gone);
  std::stringstream buf;
  ASSERT_TRUE(a.saveCheckpoint(buf).isOk());
  HeapInodeStore b(3);
  ASSERT_TRUE(b.loadCheckpoint(buf).isOk());
  for (const HeapInodeStore* s : {&a, &b}) {
    Inode got;
    ASSERT_TRUE(s->get(l, &got));
    EXPECT_EQ(got.type, InodeType::kSymlink);
    EXPECT_EQ(got.symlink_target, "../tgt");
    EXPECT_EQ(got.ctime_ms, 2000);
    EXPECT_TRUE(got.isSpecial());
    ASSERT_TRUE(s->get(d, &got));
    EXPECT_EQ(got.type, InodeType::kBlockDevice);
    EXPECT_EQ(got.rdev, (8u << 8) | 1);
    EXPECT_TRUE(got.symlink_target.empty());
    ASSERT_TRUE(s->get(f, &got));
    EXPECT_TRUE(got.isRegular());
    EXPECT_EQ(got.ctime_ms, 3000);
    EXPECT_EQ(got.atime_ms, 4000);
    EXPECT_EQ(got.rdev, 0u);
    EXPECT_TRUE(got.has_xattrs);
    XattrMap attrs;
    s->xattrs(f, &attrs);
    EXPECT_EQ(attrs, (XattrMap{{"user.k", std::string("v\0w", 3)}}));
  }
  // The freed link's slot comes back as a plain file with nothing of the link left.
  auto reused = *b.addChild(b.rootId(), "new", fileAttrs());
  EXPECT_EQ(inodeSlot(reused), inodeSlot(gone));
  Inode got;
  ASSERT_TRUE(b.get(reused, &got));
  EXPECT_TRUE(got.isRegular());
  EXPECT_TRUE(got.symlink_target.empty());
  EXPECT_FALSE(got.has_xattrs) << "a removed inode's attributes came back with its slot";
  // An access time cleared is gone; the link keeps its text when its atime is set and cleared.
  ASSERT_TRUE(b.get(f, &got));
  got.atime_ms = 0;
  ASSERT_TRUE(b.setAttrs(f, got).isOk());
  ASSERT_TRUE(b.get(f, &got));
  EXPECT_EQ(got.atime_ms, 0);
  ASSERT_TRUE(b.get(l, &got));
  got.atime_ms = 7;
  ASSERT_TRUE(b.setAttrs(l, got).isOk());
  got.atime_ms = 0;
  ASSERT_TRUE(b.setAttrs(l, got).isOk());
  ASSERT_TRUE(b.get(l, &got));
  EXPECT_EQ(got.symlink_target, "../tgt");
  EXPECT_EQ(got.atime_ms, 0);
}

TEST(HeapInodeStore, CorruptCheckpointIsRefused) {
  HeapInodeStore a(1);
  ASSERT_TRUE(a.addChild(a.rootId(), "x", fileAttrs()));
  std::stringstream buf;
  ASSERT_TRUE(a.saveCheckpoint(buf).isOk());
  std::string bytes = buf.str();
  bytes[bytes.size() / 2] ^= 0x5a;
  std::stringstream bad(bytes);
  HeapInodeStore b(1);
  Status st = b.loadCheckpoint(bad);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  std::stringstream other_cluster(buf.str());
  HeapInodeStore c(2);
  EXPECT_EQ(c.loadCheckpoint(other_cluster).code(), StatusCode::kCorruption);
}

}  // namespace
// Names of removed or renamed inodes once stayed allocated until a checkpoint load: create/delete
// churn (a job writing and removing temp files all day) grew the arena without bound.
TEST(HeapInodeStore, NameSpaceIsReusedUnderCreateDeleteAndRenameChurn) {
  HeapInodeStore s(1);
  auto dir = *s.addChild(s.rootId(), "tmp", dirAttrs());
  auto round = [&](int r) {
    std::vector<InodeId> ids;
    for (int i = 0; i < 20000; ++i) {
      auto id = s.addChild(dir, fmt::format("part-{:05d}-of-round-{:04d}.tmp", i, r), fileAttrs());
      ASSERT_TRUE(id);
      ids.push_back(*id);
    }
    for (size_t i = 0; i < ids.size(); i += 2) {
      ASSERT_TRUE(s.move(ids[i], dir, fmt::format("done-{:05d}-of-round-{:04d}.dat", i, r)).isOk());
    }
    for (auto id : ids) s.removeLeaf(id);
  };
  round(0);
  size_t after_one = s.nameBytesAllocated();
  for (int r = 1; r < 30; ++r) round(r);
  EXPECT_LE(s.nameBytesAllocated(), after_one + NameArena::kChunkSize)
      << "30 rounds of churn must reuse the first round's space";
  EXPECT_FALSE(s.hasChildren(dir));
  // Reused space holds the right names.
  auto a = *s.addChild(dir, "part-00001-of-round-0000.tmp", fileAttrs());
  auto b = *s.addChild(dir, "zzzzzzzzzzzzzzzzzzzzzzzzzzzz", fileAttrs());
  EXPECT_EQ(*s.child(dir, "part-00001-of-round-0000.tmp"), a);
  EXPECT_EQ(*s.child(dir, "zzzzzzzzzzzzzzzzzzzzzzzzzzzz"), b);
}

}  // namespace shoal::master
