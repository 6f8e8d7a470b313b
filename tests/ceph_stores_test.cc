// Shoal over a real Ceph (scripts/test-ceph.sh): a master and two workers with /games on CephFS
// and /datasets on S3 (radosgw) at once. The trees are written into Ceph with Ceph's own tools
// (ceph-fuse, awscli), read through the Shoal client and the FUSE mount byte for byte, and the
// second pass must not reach Ceph at all (the MDS's and radosgw's own request counters). Writes
// through Shoal land where ceph-fuse and awscli read them; the store going away leaves cached
// reads working, fails the others with the store's name, and heals when Ceph is back; bad mounts
// are refused with the cause.
#include <atomic>
#include <filesystem>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "harness/fuse_mount.h"
#include "harness/master_cluster.h"
#include "shoal/file_system.h"
#include "testing/random_bytes.h"
#include "testing/test_ceph.h"

namespace shoal::testing {
namespace {

constexpr int kSmallFiles = 5000;
constexpr size_t kBigFile = 200 << 20;
constexpr const char* kBucket = "datasets";

CommandResult sh(const std::string& line, int timeout_s = 600) { return runCommand({"/bin/sh", "-c", line}, timeout_s); }

// Everything the suite shares: generating and uploading the trees once is most of its cost.
struct CephWorld {
  TestCeph ceph;
  TempDir local{"shoal-ceph-tree"};       // the reference copy of the tree
  TempDir cephfs_mnt{"shoal-ceph-fuse"};  // ceph-fuse, to write and check CephFS
  TempDir fuse_mnt{"shoal-ceph-shoalfuse"};
  std::vector<std::string> files;  // relative to local/tree
  std::unique_ptr<MasterUnderTest> master;
  std::vector<std::unique_ptr<WorkerUnderTest>> workers;

  std::string aws(const std::string& args) const {
    return ceph.shell("/usr/bin/aws --endpoint-url " + ceph.s3Endpoint() + " " + args);
  }
  bool cephFuseMount() const {
    if (!mountId(cephfs_mnt.path(), "fuse.ceph-fuse").empty()) return true;
    return sh("ceph-fuse -c " + ceph.conf() + " " + cephfs_mnt.path() + " >/dev/null 2>&1", 60).exit_code == 0;
  }
  void cephFuseUnmount() const { sh("fusermount3 -u " + cephfs_mnt.path(), 60); }
  // A counter from a Ceph daemon's admin socket: `section.name` of `perf dump`.
  uint64_t perf(const std::string& asok_var, const std::string& section, const std::string& name) const {
    auto r = sh(ceph.shell("ceph --admin-daemon " + ceph.get(asok_var) + " perf dump"), 60);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (j.is_discarded() || !j.contains(section)) return 0;
    return j[section].value(name, uint64_t{0});
  }
  uint64_t mdsRequests() const { return perf("TEST_CEPH_MDS_ASOK", "mds", "request"); }
  uint64_t rgwRequests() const { return perf("TEST_CEPH_RGW_ASOK", "rgw", "req"); }
  std::vector<std::string> s3Options() const {
    return {"--option", "s3.endpoint=" + ceph.s3Endpoint(), "--option", "s3.access.key=" + ceph.get("AWS_ACCESS_KEY_ID"),
            "--option", "s3.secret.key=" + ceph.get("AWS_SECRET_ACCESS_KEY"), "--option", "s3.timeout=3s"};
  }
  std::vector<std::string> cephOptions() const {
    return {"--option", "ceph.conf=" + ceph.conf(), "--option", "ceph.timeout=3s"};
  }
};

CephWorld* world = nullptr;

class CephStoresTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto ceph = testCeph();
    if (!ceph) return;
    world = new CephWorld;
    world->ceph = *ceph;
    std::mt19937 rng(11);
    for (int i = 0; i < kSmallFiles; ++i) {
      std::string rel = fmt::format("d{}/e{}/f{}.bin", i % 10, i % 3, i);
      world->local.write("tree/" + rel, randomBytes(1024 + rng() % (15 * 1024), i));
      world->files.push_back(rel);
    }
    world->local.write("tree/big.bin", randomBytes(kBigFile, 5));
    world->files.push_back("big.bin");
  }
  static void TearDownTestSuite() {
    if (!world) return;
    world->workers.clear();
    world->master.reset();
    world->cephFuseUnmount();
    delete world;
    world = nullptr;
  }

  void SetUp() override {
    if (!world) GTEST_SKIP() << "run by CTest with the test Ceph";
    if (world->master) return;
    // Into Ceph with Ceph's tools, not Shoal.
    ASSERT_TRUE(world->cephFuseMount());
    auto cp = sh("mkdir -p " + world->cephfs_mnt.sub("games") + " && cp -r " + world->local.sub("tree") + " " +
                 world->cephfs_mnt.sub("games/"));
    ASSERT_EQ(cp.exit_code, 0) << cp.err;
    auto mb = sh(world->aws(std::string("s3 mb s3://") + kBucket + " && " + world->aws("s3 mb s3://unmounted")));
    ASSERT_EQ(mb.exit_code, 0) << mb.err;
    auto up = sh(world->aws("s3 cp --recursive --quiet " + world->local.sub("tree") + " s3://" + kBucket + "/tree"));
    ASSERT_EQ(up.exit_code, 0) << up.err;
    // A file no test reads before the store-going-away test, so nothing of it is cached there.
    world->local.write("fresh.bin", randomBytes(5000, 77));
    ASSERT_EQ(sh("mkdir -p " + world->cephfs_mnt.sub("games/fresh") + " && cp " + world->local.sub("fresh.bin") + " " +
                 world->cephfs_mnt.sub("games/fresh/f.bin")).exit_code, 0);
    ASSERT_EQ(sh(world->aws("s3 cp --quiet " + world->local.sub("fresh.bin") + " s3://" + kBucket + "/fresh/f.bin")).exit_code, 0);
    // No other client of the MDS stays mounted while the tests count its requests.
    world->cephFuseUnmount();

    world->master = std::make_unique<MasterUnderTest>();
    ASSERT_TRUE(world->master->start()) << world->master->log();
    std::vector<std::string> games{"fs", "mount", "/games", "cephfs:///games"};
    for (auto& o : world->cephOptions()) games.push_back(o);
    auto m1 = world->master->cli(games);
    ASSERT_EQ(m1.exit_code, 0) << m1.err;
    std::vector<std::string> datasets{"fs", "mount", "/datasets", std::string("s3://") + kBucket};
    for (auto& o : world->s3Options()) datasets.push_back(o);
    auto m2 = world->master->cli(datasets);
    ASSERT_EQ(m2.exit_code, 0) << m2.err;
    for (int i = 0; i < 2; ++i) {
      world->workers.push_back(std::make_unique<WorkerUnderTest>(
          *world->master, std::vector<std::string>{"shoal.worker.tier.mem.capacity=1GiB"}));
      ASSERT_TRUE(world->workers.back()->start()) << world->workers.back()->log();
    }
  }

  std::unique_ptr<FileSystem> client() {
    auto fs = FileSystem::connect({"shoal.master.rpc.port=" + std::to_string(world->master->port())});
    EXPECT_TRUE(fs) << fs.error().toString();
    return fs ? std::move(*fs) : nullptr;
  }

  // Reads `path` whole through the client; the error's message when it fails.
  static Result<std::string> readAll(FileSystem& fs, const std::string& path) {
    auto in = fs.open(path);
    if (!in) return makeError(in.error());
    std::string out((*in)->status().size, '\0');
    size_t done = 0;
    while (done < out.size()) {
      auto n = (*in)->pread(done, {out.data() + done, std::min<size_t>(4 << 20, out.size() - done)});
      if (!n) return makeError(n.error());
      if (*n == 0) break;
      done += *n;
    }
    out.resize(done);
    return out;
  }

  // Every file of the tree under `root` through the client, 8 threads; the paths that differ.
  std::vector<std::string> readTree(const std::string& root) {
    auto fs = client();
    std::vector<std::string> bad;
    std::mutex mu;
    std::atomic<size_t> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        for (size_t i; (i = next++) < world->files.size();) {
          const std::string& rel = world->files[i];
          auto got = readAll(*fs, root + "/" + rel);
          if (!got || *got != slurp(world->local.sub("tree/" + rel))) {
            std::lock_guard lock(mu);
            bad.push_back(rel + (got ? ": bytes differ" : ": " + got.error().toString()));
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    return bad;
  }
};

TEST_F(CephStoresTest, TreesInCephFsAndS3ReadTwiceSecondPassNeverReachesCeph) {
  uint64_t mds0 = world->mdsRequests(), rgw0 = world->rgwRequests();
  auto bad = readTree("/games/tree");
  EXPECT_TRUE(bad.empty()) << bad.size() << " files differ in /games, first: " << bad.front();
  bad = readTree("/datasets/tree");
  EXPECT_TRUE(bad.empty()) << bad.size() << " files differ in /datasets, first: " << bad.front();
  uint64_t mds1 = world->mdsRequests(), rgw1 = world->rgwRequests();
  std::cout << fmt::format("first pass ({} files per store): {} MDS requests, {} radosgw requests\n",
                           world->files.size(), mds1 - mds0, rgw1 - rgw0);
  EXPECT_GT(mds1, mds0) << "the MDS counter did not move: the first pass cannot have read CephFS";
  // docs/benchmarks.md quotes about one MDS request per file for a cold pass (the worker's open;
  // listings and lookups ride on the master's readdirplus): hold the code to it.
  EXPECT_LE(mds1 - mds0, world->files.size() * 6 / 5)
      << "the cold pass cost more than 1.2 MDS requests per file (" << world->files.size() << " files)";
  EXPECT_GT(rgw1, rgw0);

  FuseMount m(*world->master, world->fuse_mnt.path());
  ASSERT_TRUE(m.start()) << m.log();
  for (std::string mount : {"games", "datasets"}) {
    auto diff = sh("diff -r " + world->fuse_mnt.sub(mount + "/tree") + " " + world->local.sub("tree"));
    EXPECT_EQ(diff.exit_code, 0) << mount << ": " << diff.out.substr(0, 2000) << diff.err.substr(0, 2000);
  }
  bad = readTree("/games/tree");
  EXPECT_TRUE(bad.empty());
  EXPECT_EQ(world->mdsRequests(), mds1) << "the second pass (FUSE and client) reached the CephFS MDS";
  EXPECT_EQ(world->rgwRequests(), rgw1) << "the second pass (FUSE and client) reached radosgw";
}

TEST_F(CephStoresTest, WritesThroughShoalLandInCephFsAndS3) {
  const std::string data = randomBytes((9 << 20) + 123, 21);  // over one S3 part: a multipart upload
  world->local.write("upload.bin", data);
  for (std::string type : {"CACHE_THROUGH", "THROUGH"}) {
    for (std::string mount : {"/games", "/datasets"}) {
      auto r = world->master->cli({"fs", "copyFromLocal", "--write-type", type, world->local.sub("upload.bin"),
                                   mount + "/written/" + type + ".bin"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  ASSERT_TRUE(world->cephFuseMount());
  for (std::string type : {"CACHE_THROUGH", "THROUGH"}) {
    EXPECT_TRUE(slurp(world->cephfs_mnt.sub("games/written/" + type + ".bin")) == data) << type << " via ceph-fuse";
    auto got = sh(world->aws(std::string("s3 cp s3://") + kBucket + "/written/" + type + ".bin -"));
    ASSERT_EQ(got.exit_code, 0) << got.err;
    EXPECT_TRUE(got.out == data) << type << " via awscli";
  }
  world->cephFuseUnmount();
}

TEST_F(CephStoresTest, BadMountsAreRefusedWithTheCauseAndLeaveNothingMounted) {
  auto mount = [&](const std::string& path, const std::string& uri, std::vector<std::string> opts) {
    std::vector<std::string> args{"fs", "mount", path, uri};
    for (auto& o : opts) args.push_back(o);
    return world->master->cli(args);
  };
  auto with = [](std::vector<std::string> opts, const std::string& key, const std::string& value) {
    for (size_t i = 1; i < opts.size(); i += 2) {
      if (opts[i].rfind(key + "=", 0) == 0) opts[i] = key + "=" + value;
    }
    return opts;
  };
  struct Case {
    std::string path, uri;
    std::vector<std::string> opts;
    std::string expect;
  };
  std::vector<Case> cases{
      {"/bad1", "s3://unmounted", with(world->s3Options(), "s3.secret.key", "wrong-secret-value"),
       "access denied"},
      {"/bad2", "s3://no-such-bucket", world->s3Options(), "bucket does not exist"},
      {"/bad3", "s3://unmounted", with(world->s3Options(), "s3.endpoint", "http://127.0.0.1:1"),
       "cannot reach the S3 endpoint http://127.0.0.1:1"},
      {"/bad4", "cephfs:///no/such/dir", world->cephOptions(), "does not exist"},
  };
  for (const auto& c : cases) {
    auto r = mount(c.path, c.uri, c.opts);
    EXPECT_NE(r.exit_code, 0) << c.uri;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.uri << ": " << r.err;
    EXPECT_EQ(r.err.find("wrong-secret-value"), std::string::npos) << "a secret was printed";
  }
  auto table = world->master->cli({"fs", "mount"});
  ASSERT_EQ(table.exit_code, 0);
  for (const auto& c : cases) EXPECT_EQ(table.out.find(c.path + " "), std::string::npos) << table.out;
  // The listing shows the mounts but never a secret.
  EXPECT_NE(table.out.find("/datasets"), std::string::npos);
  EXPECT_EQ(table.out.find(world->ceph.get("AWS_SECRET_ACCESS_KEY")), std::string::npos) << table.out;
  EXPECT_EQ(world->master->log().find(world->ceph.get("AWS_SECRET_ACCESS_KEY")), std::string::npos);
}

// Rotating a store's credentials as an operator does: a user of the store with its own bucket,
// mounted with its first key; a second key is created and the first removed. `fs update-mount`
// with the new key (a wrong one is refused and changes nothing) switches the master, the workers
// and a long-lived client to it with no remount: a file nobody has read yet reads back, a write
// lands in the bucket, and what was cached stays.
TEST_F(CephStoresTest, CredentialsRotateWithoutARemount) {
  auto admin = [&](const std::string& args) {
    return sh(world->ceph.shell("radosgw-admin -c " + world->ceph.conf() + " " + args), 120);
  };
  auto as = [&](const std::string& key, const std::string& secret, const std::string& args) {
    return sh(world->ceph.shell("AWS_ACCESS_KEY_ID=" + key + " AWS_SECRET_ACCESS_KEY=" + secret +
                                " /usr/bin/aws --endpoint-url " + world->ceph.s3Endpoint() + " " + args));
  };
  const std::string k1 = "ROTATEKEYONE00000001", s1 = "rotate-secret-one-0000000000000000000000";
  const std::string k2 = "ROTATEKEYTWO00000002", s2 = "rotate-secret-two-0000000000000000000000";
  admin("user rm --uid rotate --purge-data");  // left by an earlier run on the same Ceph
  auto made = admin("user create --uid rotate --display-name Rotate --access-key " + k1 + " --secret-key " + s1);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  TempDir files("shoal-ceph-rotate");
  const std::string a = randomBytes(3 << 20, 31), b = randomBytes((2 << 20) + 5, 32), w = randomBytes(100000, 33);
  files.write("a.bin", a);
  files.write("b.bin", b);
  files.write("w.bin", w);
  ASSERT_EQ(as(k1, s1, "s3 mb s3://rotating").exit_code, 0);
  for (std::string f : {"a.bin", "b.bin"}) {
    ASSERT_EQ(as(k1, s1, "s3 cp --quiet " + files.sub(f) + " s3://rotating/" + f).exit_code, 0) << f;
  }
  auto mounted = world->master->cli({"fs", "mount", "/rotating", "s3://rotating", "--option",
                                     "s3.endpoint=" + world->ceph.s3Endpoint(), "--option", "s3.access.key=" + k1,
                                     "--option", "s3.secret.key=" + s1, "--option", "s3.timeout=3s"});
  ASSERT_EQ(mounted.exit_code, 0) << mounted.err;
  auto fs = client();
  auto got = readAll(*fs, "/rotating/a.bin");
  ASSERT_TRUE(got && *got == a) << (got ? "bytes differ" : got.error().toString());

  ASSERT_EQ(admin("key create --uid rotate --key-type s3 --access-key " + k2 + " --secret-key " + s2).exit_code, 0);
  ASSERT_EQ(admin("key rm --uid rotate --key-type s3 --access-key " + k1).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return as(k1, s1, "s3 ls s3://rotating").exit_code != 0; }, 60))
      << "the first key still works";
  got = readAll(*fs, "/rotating/b.bin");
  EXPECT_FALSE(got) << "read with a removed key";

  auto r = world->master->cli({"fs", "update-mount", "/rotating", "--option", "s3.access.key=" + k2, "--option",
                               "s3.secret.key=wrong-secret-value"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("access denied"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("wrong-secret-value"), std::string::npos) << "a secret was printed";
  r = world->master->cli({"fs", "mount"});
  EXPECT_NE(r.out.find("s3.access.key=" + k1), std::string::npos) << "a refused update changed the mount: " << r.out;

  r = world->master->cli({"fs", "update-mount", "/rotating", "--option", "s3.access.key=" + k2, "--option",
                          "s3.secret.key=" + s2});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("s3.access.key=" + k2), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(s2), std::string::npos) << "a secret was printed: " << r.out;
  // The same client, the same workers: b.bin was never cached, so a worker reads it with the new
  // key, once it has heard of the change (its next heartbeat, or the next request that names the
  // new mount-table version; a refused read only fails, so nothing wrong is cached meanwhile).
  std::string last;
  EXPECT_TRUE(eventually([&] {
    got = readAll(*fs, "/rotating/b.bin");
    last = got ? (*got == b ? "" : "bytes differ") : got.error().toString();
    return last.empty();
  }, 10)) << last;
  got = readAll(*fs, "/rotating/a.bin");
  EXPECT_TRUE(got && *got == a) << (got ? "bytes differ" : got.error().toString());
  {
    auto out = fs->create("/rotating/w.bin", WriteType::kCacheThrough);
    ASSERT_TRUE(out) << out.error().toString();
    ASSERT_TRUE((*out)->write({w.data(), w.size()}));
    auto closed = (*out)->close();
    ASSERT_TRUE(closed) << closed.error().toString();
  }
  ASSERT_EQ(as(k2, s2, "s3 cp --quiet s3://rotating/w.bin " + files.sub("w.back")).exit_code, 0);
  EXPECT_TRUE(slurp(files.sub("w.back")) == w);
  EXPECT_EQ(world->master->log().find(s2), std::string::npos) << "a secret was logged";
  EXPECT_EQ(world->master->cli({"fs", "unmount", "/rotating"}).exit_code, 0);
}

// Last: it stops and restarts the test Ceph.
TEST_F(CephStoresTest, StoreGoingAwayKeepsCachedReadsAndHealsWhenCephIsBack) {
  auto fs = client();
  const std::string fresh = slurp(world->local.sub("fresh.bin"));
  ASSERT_TRUE(fs->list("/games/fresh"));
  ASSERT_TRUE(fs->list("/datasets/fresh"));
  const std::vector<std::string> cached{"/games/tree/d1/e1/f1.bin", "/datasets/tree/d2/e2/f2.bin", "/games/tree/big.bin"};
  for (const auto& p : cached) ASSERT_TRUE(readAll(*fs, p)) << p;

  ASSERT_EQ(sh(world->ceph.script + " stop").exit_code, 0);
  for (const auto& p : cached) {
    auto got = readAll(*fs, p);
    ASSERT_TRUE(got) << p << " with Ceph down: " << got.error().toString();
    EXPECT_TRUE(*got == slurp(world->local.sub("tree/" + p.substr(p.find("/tree/") + 6)))) << p;
  }
  for (auto [path, store] : {std::pair{"/games/fresh/f.bin", "cephfs:///games"}, {"/datasets/fresh/f.bin", "s3://datasets"}}) {
    auto got = readAll(*fs, path);
    ASSERT_FALSE(got) << path << " read with its store down";
    EXPECT_NE(got.error().message().find(store), std::string::npos) << got.error().toString();
  }

  ASSERT_EQ(sh(world->ceph.script + " start").exit_code, 0);
  for (std::string path : {"/games/fresh/f.bin", "/datasets/fresh/f.bin"}) {
    std::string last;
    EXPECT_TRUE(eventually([&] {
      auto got = readAll(*fs, path);
      last = got ? "" : got.error().toString();
      return got && *got == fresh;
    }, 120)) << path << " after Ceph came back: " << last;
  }
}

}  // namespace
}  // namespace shoal::testing
