// A generated tree of 10,000 files mounted from a local directory: what the CLI reports (ls -R,
// count, du, stat) and what GetStatusBatch returns must agree with the local file system.
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sstream>

#include "harness/master_cluster.h"

namespace shoal::testing {
namespace {

namespace fs = std::filesystem;

class MasterTreeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = new TempDir("shoal-tree-store");
    // 10 x 10 directories of 100 files each, sizes 0..4095 bytes.
    for (int a = 0; a < 10; ++a) {
      for (int b = 0; b < 10; ++b) {
        std::string dir = store_->sub("d" + std::to_string(a) + "/s" + std::to_string(b));
        fs::create_directories(dir);
        for (int f = 0; f < 100; ++f) {
          size_t size = static_cast<size_t>((a * 1000 + b * 100 + f) * 37 % 4096);
          std::ofstream(dir + "/f" + std::to_string(f) + ".bin", std::ios::binary) << std::string(size, 'x');
        }
      }
    }
  }
  static void TearDownTestSuite() { delete store_; }

  void SetUp() override {
    ASSERT_TRUE(master_.start()) << master_.log();
    auto r = master_.cli({"fs", "mount", "/data", "file://" + store_->path()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // The local tree as Shoal paths under /data.
  static std::map<std::string, fs::directory_entry> localTree() {
    std::map<std::string, fs::directory_entry> out;
    for (const auto& e : fs::recursive_directory_iterator(store_->path())) {
      out.emplace("/data" + e.path().string().substr(store_->path().size()), e);
    }
    return out;
  }

  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
      if (!l.empty()) out.push_back(l);
    }
    return out;
  }

  static TempDir* store_;
  MasterUnderTest master_;
};

TempDir* MasterTreeTest::store_ = nullptr;

TEST_F(MasterTreeTest, LsRecursiveListsExactlyTheLocalTree) {
  auto r = master_.cli({"fs", "ls", "-R", "/data"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto got = lines(r.out);
  std::set<std::string> listed(got.begin(), got.end());
  EXPECT_EQ(listed.size(), got.size()) << "an entry was listed twice";
  std::set<std::string> expected;
  for (const auto& [p, _] : localTree()) expected.insert(p);
  EXPECT_EQ(expected.size(), 10u + 100u + 10000u);
  EXPECT_EQ(listed, expected);
}

TEST_F(MasterTreeTest, LongListingShowsSizesAndTypes) {
  auto r = master_.cli({"fs", "ls", "-l", "/data/d3/s4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto got = lines(r.out);
  ASSERT_EQ(got.size(), 100u);
  for (const auto& line : got) {
    std::istringstream in(line);
    std::string mode, owner, group, day, time, state, path;
    uint64_t size = 0;
    in >> mode >> owner >> group >> size >> day >> time >> state >> path;
    ASSERT_EQ(mode[0], '-') << line;
    EXPECT_EQ(state, "PERSISTED");
    EXPECT_EQ(size, fs::file_size(store_->path() + path.substr(5))) << line;
  }
}

TEST_F(MasterTreeTest, CountAndDuAgreeWithTheLocalFileSystem) {
  uint64_t files = 0, dirs = 1, bytes = 0;
  std::map<std::string, uint64_t> per_top;
  for (const auto& [p, e] : localTree()) {
    if (e.is_directory()) {
      ++dirs;
    } else {
      ++files;
      bytes += e.file_size();
      per_top["/data/" + p.substr(6, p.find('/', 6) - 6)] += e.file_size();
    }
  }
  auto count = master_.cli({"fs", "count", "/data"});
  ASSERT_EQ(count.exit_code, 0) << count.err;
  auto cl = lines(count.out);
  ASSERT_EQ(cl.size(), 2u) << count.out;
  std::istringstream cin_(cl[1]);
  uint64_t cf = 0, cd = 0, cb = 0;
  std::string cpath;
  cin_ >> cf >> cd >> cb >> cpath;
  EXPECT_EQ(cf, files);
  EXPECT_EQ(cd, dirs);
  EXPECT_EQ(cb, bytes);
  EXPECT_EQ(cpath, "/data");

  auto dus = master_.cli({"fs", "du", "-s", "/data"});
  ASSERT_EQ(dus.exit_code, 0) << dus.err;
  EXPECT_EQ(lines(dus.out), std::vector<std::string>{fmt::format("{:<12}  /data", bytes)});

  auto du = master_.cli({"fs", "du", "/data"});
  ASSERT_EQ(du.exit_code, 0) << du.err;
  std::map<std::string, uint64_t> got;
  for (const auto& l : lines(du.out)) {
    std::istringstream in(l);
    uint64_t b = 0;
    std::string p;
    in >> b >> p;
    got[p] = b;
  }
  EXPECT_EQ(got, per_top);
}

TEST_F(MasterTreeTest, StatAndBatchStatusMatchEveryFile) {
  auto st = master_.cli({"fs", "stat", "/data/d9/s9/f99.bin"});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  EXPECT_NE(st.out.find("size:        " + std::to_string(fs::file_size(store_->sub("d9/s9/f99.bin")))),
            std::string::npos)
      << st.out;
  EXPECT_NE(st.out.find("ufs:         file://" + store_->sub("d9/s9/f99.bin")), std::string::npos) << st.out;

  std::vector<std::string> paths;
  std::map<std::string, uint64_t> sizes;
  for (const auto& [p, e] : localTree()) {
    if (e.is_regular_file()) {
      paths.push_back(p);
      sizes[p] = e.file_size();
    }
  }
  // One RPC per 2,500 paths: a client never needs one call per file.
  for (size_t i = 0; i < paths.size(); i += 2500) {
    std::vector<std::string> batch(paths.begin() + static_cast<long>(i),
                                   paths.begin() + static_cast<long>(std::min(paths.size(), i + 2500)));
    auto r = master_.client().getStatusBatch(batch);
    ASSERT_TRUE(r) << r.error().toString();
    ASSERT_EQ(r->size(), batch.size());
    for (const auto& res : *r) {
      ASSERT_EQ(res.error_code(), 0) << res.path() << ": " << res.error_message();
      EXPECT_EQ(res.info().size(), sizes[res.path()]) << res.path();
      EXPECT_FALSE(res.info().is_dir());
    }
  }
}

// A recursive chmod reaches every entry below the directory, the directory itself, and nothing
// beside it (the walk goes one child at a time from a cursor, so its memory is the tree's depth).
TEST_F(MasterTreeTest, RecursiveChmodReachesTheWholeSubtreeAndNothingElse) {
  auto r = master_.cli({"fs", "chmod", "-R", "0700", "/data/d3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto modesUnder = [&](const std::string& dir) {
    std::map<std::string, int> counts;  // permission bits -> entries
    auto l = master_.cli({"fs", "ls", "-R", "-l", dir});
    EXPECT_EQ(l.exit_code, 0) << l.err;
    for (const auto& line : lines(l.out)) counts[line.substr(1, 9)]++;
    return counts;
  };
  auto d3 = modesUnder("/data/d3");
  EXPECT_EQ(d3, (std::map<std::string, int>{{"rwx------", 10 + 1000}}));
  auto top = master_.cli({"fs", "ls", "-l", "/data"});
  for (const auto& line : lines(top.out)) {
    bool is_d3 = line.size() > 8 && line.substr(line.size() - 8) == "/data/d3";
    EXPECT_EQ(line.substr(1, 9) == "rwx------", is_d3) << line;
  }
  for (const auto& [mode, n] : modesUnder("/data/d4")) EXPECT_NE(mode, "rwx------") << n << " entries beside d3 changed";
}

TEST_F(MasterTreeTest, StateSurvivesRestartWithoutRelisting) {
  auto before = master_.cli({"fs", "ls", "-R", "-l", "/data"});
  ASSERT_EQ(before.exit_code, 0);
  ASSERT_TRUE(master_.restart()) << master_.log();
  auto after = master_.cli({"fs", "ls", "-R", "-l", "/data"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, before.out);
}

}  // namespace
}  // namespace shoal::testing
