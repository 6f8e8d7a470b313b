// The cluster configuration on a running cluster (one master, two workers on two "hosts", a FUSE
// mount, and a long-lived client in this process that follows the configuration as a program's
// client does): each hot key changed with `shoal conf set` takes effect where it is used, within
// the deadline, with nothing restarted; a refused update leaves every process where it was; the
// configuration survives a full restart of the master.
#include <filesystem>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "stubs/conf_sync.h"
#include "client/context.h"
#include "client/file_reader.h"
#include "client/file_writer.h"
#include "common/live_config.h"
#include "harness/fuse_mount.h"
#include "harness/master_cluster.h"
#include "testing/random_bytes.h"

namespace shoal::testing {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kPage = 1 << 20;

class HotConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(master_.start()) << master_.log();
    ASSERT_EQ(master_.cli({"fs", "mount", "/data", "file://" + store_.path()}).exit_code, 0);
    for (int i = 1; i <= 2; ++i) {
      workers_.push_back(std::make_unique<WorkerUnderTest>(
          master_, std::vector<std::string>{fmt::format("shoal.worker.hostname=127.0.0.{}", i)}));
      ASSERT_TRUE(workers_.back()->start()) << workers_.back()->log();
    }
    fuse_web_ = freePort();
    // Without the mount's own metadata cache, what a stat through it shows is the kernel's doing.
    fuse_ = std::make_unique<FuseMount>(master_, mnt_.path(),
                                        std::vector<std::string>{"shoal.fuse.web.port=" + std::to_string(fuse_web_),
                                                                 "shoal.user.metadata.cache.expiration=0s"});
    ASSERT_TRUE(fuse_->start()) << fuse_->log();
    // The long-lived client: its own configuration under the cluster's, as FileSystem::connect makes it.
    auto conf = Configuration::load("", {"shoal.master.rpc.port=" + std::to_string(master_.port()),
                                         "shoal.user.hostname=127.0.0.2"});
    ASSERT_TRUE(conf);
    conf_ = std::make_unique<Configuration>(*conf);
    ctx_ = std::make_unique<client::Context>(*conf_);
    mc_ = &ctx_->master();
    reader_ = &ctx_->reader();
    live_ = std::make_unique<LiveConfig>(*conf_);
    settings_ = ctx_->followConfig(*live_);
    sync_ = std::make_unique<stubs::ConfSync>(mc_->connection(), *live_, "client", "127.0.0.2", "hot-config-test");
  }
  void TearDown() override {
    sync_.reset();
    settings_.reset();
  }

  // `shoal conf set ARGS...`; the version it made.
  uint64_t set(const std::vector<std::string>& args) {
    std::vector<std::string> cmd{"conf", "set"};
    cmd.insert(cmd.end(), args.begin(), args.end());
    auto r = master_.cli(cmd);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string prefix = "cluster configuration version ";
    if (r.out.rfind(prefix, 0) != 0) return 0;
    return std::stoull(r.out.substr(prefix.size()));
  }
  // Every live process (master, both workers, the mount, this client) applied `version`.
  bool everyoneAt(uint64_t version) {
    auto r = master_.cli({"conf", "status"});
    if (r.exit_code != 0) return false;
    size_t current = 0, pos = 0;
    const std::string v = "v" + std::to_string(version);
    while ((pos = r.out.find(v + " ", pos)) != std::string::npos) {
      ++current;
      pos += v.size();
    }
    return current == 5 && r.out.find("every live process applied it") != std::string::npos;
  }
  Result<proto::FileInfo> write(const std::string& path, const std::string& data) {
    auto w = ctx_->createFile(path, {});
    if (!w) return makeError(w.error());
    SHOAL_RETURN_IF_ERROR((*w)->write({data.data(), data.size()}));
    return (*w)->close();
  }
  std::string read(const proto::FileInfo& f, uint64_t offset, uint64_t len) {
    std::string out(len, '\0');
    auto n = reader_->pread(f, offset, {out.data(), out.size()});
    if (!n) return "<" + n.error().toString() + ">";
    out.resize(*n);
    return out;
  }

  MasterUnderTest master_;
  TempDir store_{"shoal-hot-store"};
  TempDir mnt_{"shoal-hot-mnt"};
  std::vector<std::unique_ptr<WorkerUnderTest>> workers_;
  int fuse_web_ = 0;
  std::unique_ptr<FuseMount> fuse_;
  std::unique_ptr<Configuration> conf_;
  std::unique_ptr<client::Context> ctx_;
  stubs::MasterClient* mc_ = nullptr;
  client::FileReader* reader_ = nullptr;
  std::unique_ptr<LiveConfig> live_;
  std::unique_ptr<LiveConfig::Listener> settings_;
  std::unique_ptr<stubs::ConfSync> sync_;
};

TEST_F(HotConfigTest, LogLevelReachesEveryProcessAndStatusSaysSo) {
  uint64_t v = set({"shoal.log.level=debug"});
  ASSERT_EQ(v, 1u);
  EXPECT_TRUE(eventually([&] { return everyoneAt(v); })) << master_.cli({"conf", "status"}).out;
  for (auto& w : workers_) {
    EXPECT_TRUE(eventually([&] { return w->log().find("log level is now debug") != std::string::npos; })) << w->log();
  }
  EXPECT_NE(master_.log().find("log level is now debug"), std::string::npos);
  EXPECT_TRUE(eventually([&] { return fuse_->log().find("log level is now debug") != std::string::npos; }));
  int status = 0;
  std::string config = httpGet(fuse_web_, "/api/v1/config", &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(config.find("\"cluster_version\": 1"), std::string::npos) << config;
  // Unset: every process goes back to its own value.
  auto r = master_.cli({"conf", "unset", "shoal.log.level"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(eventually([&] { return everyoneAt(2); }));
  EXPECT_TRUE(eventually([&] { return workers_[0]->log().find("log level is now info") != std::string::npos; }));
}

TEST_F(HotConfigTest, RefusedUpdatesLeaveEveryProcessOnTheOldVersion) {
  ASSERT_EQ(set({"shoal.user.file.readahead.pages=2"}), 1u);
  ASSERT_TRUE(eventually([&] { return everyoneAt(1); }));
  struct Bad {
    std::vector<std::string> args;
    std::string says;
  };
  for (const auto& bad : std::vector<Bad>{
           {{"conf", "set", "shoal.log.level=warn", "shoal.worker.page.size=4MB"}, "shoal.worker.page.size is static"},
           {{"conf", "set", "shoal.log.level=loud"}, "shoal.log.level"},
           {{"conf", "set", "shoal.no.such=1"}, "unknown configuration key 'shoal.no.such'"},
           {{"conf", "set", "shoal.log.level=warn", "--path", "/data"}, "not per path"},
           {{"conf", "set", "shoal.user.file.readahead.pages=1", "--path", "/a/../.."}, "--path"},
           {{"conf", "set", "noequals"}, "not KEY=VALUE"},
           {{"conf", "unset", "shoal.log.level"}, "no cluster value to unset"}}) {
    auto r = master_.cli(bad.args);
    EXPECT_NE(r.exit_code, 0) << bad.args[2];
    EXPECT_NE(r.err.find(bad.says), std::string::npos) << r.err;
  }
  auto dry = master_.cli({"conf", "set", "--dry-run", "shoal.log.level=warn"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("nothing changed"), std::string::npos) << dry.out;
  EXPECT_TRUE(everyoneAt(1)) << master_.cli({"conf", "status"}).out;
  EXPECT_EQ(live_->version(), 1u);
  EXPECT_EQ(live_->current()->conf->getString("shoal.log.level"), "info");
  auto history = master_.cli({"conf", "history"});
  EXPECT_EQ(history.out.find("version 2"), std::string::npos) << history.out;
}

TEST_F(HotConfigTest, MetadataSyncIntervalPerPath) {
  fs::create_directories(store_.sub("sub"));
  fs::create_directories(store_.sub("other"));
  ASSERT_TRUE(mc_->listAll("/data/sub"));
  ASSERT_TRUE(mc_->listAll("/data/other"));
  store_.write("sub/late.txt", "late");
  store_.write("other/late.txt", "late");
  // The default interval never looks at a loaded directory again.
  EXPECT_EQ(mc_->getStatus("/data/sub/late.txt").error().code(), StatusCode::kNotFound);
  uint64_t v = set({"shoal.user.file.metadata.sync.interval=0", "--path", "/data/sub"});
  EXPECT_TRUE(eventually([&] { return mc_->getStatus("/data/sub/late.txt").has_value(); }));
  EXPECT_EQ(live_->version(), v);
  // The CLI sends no interval of its own: the master's follows the same rule.
  auto stat = master_.cli({"fs", "stat", "/data/sub/late.txt"});
  EXPECT_EQ(stat.exit_code, 0) << stat.err;
  EXPECT_EQ(mc_->getStatus("/data/other/late.txt").error().code(), StatusCode::kNotFound)
      << "a path rule applies under its prefix only";
  EXPECT_NE(master_.cli({"fs", "stat", "/data/other/late.txt"}).exit_code, 0);
}

TEST_F(HotConfigTest, MetadataCacheSizeAndExpiration) {
  store_.write("m.txt", "m");
  set({"shoal.user.metadata.cache.expiration=1h"});
  ASSERT_TRUE(eventually([&] { return live_->version() == 1; }));
  ASSERT_NE(mc_->getStatus("/data/m.txt")->mode(), 0600u);
  uint64_t hits = mc_->metadataCacheHits();
  ASSERT_TRUE(mc_->getStatus("/data/m.txt"));
  EXPECT_EQ(mc_->metadataCacheHits(), hits + 1);
  // Another client's change stays unseen while the hour lasts...
  ASSERT_EQ(master_.cli({"fs", "chmod", "600", "/data/m.txt"}).exit_code, 0);
  EXPECT_NE(mc_->getStatus("/data/m.txt")->mode(), 0600u);
  // ...until the cache is made empty.
  set({"shoal.user.metadata.cache.max.size=0"});
  EXPECT_TRUE(eventually([&] { return mc_->getStatus("/data/m.txt")->mode() == 0600u; }));
  EXPECT_EQ(mc_->metadataCacheSize(), 0u);
}

TEST_F(HotConfigTest, FuseTimeoutsApplyToNewLookups) {
  auto sizeSeen = [&](const std::string& name) {
    struct stat st{};
    return ::stat((mnt_.path() + "/data/" + name).c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
  };
  auto rewrite = [&](const std::string& name, const std::string& data) {
    ASSERT_EQ(master_.cli({"fs", "rm", "/data/" + name}).exit_code, 0);
    ASSERT_TRUE(write("/data/" + name, data));
  };
  ASSERT_TRUE(write("/data/before.txt", "1"));
  ASSERT_EQ(sizeSeen("before.txt"), 1);
  rewrite("before.txt", "12345");
  EXPECT_EQ(sizeSeen("before.txt"), 1) << "the kernel trusts what it looked up for the 60 s default";

  uint64_t v = set({"shoal.fuse.entry.timeout=0s", "shoal.fuse.attr.timeout=0s"});
  ASSERT_TRUE(eventually([&] { return everyoneAt(v); }));
  ASSERT_TRUE(write("/data/after.txt", "1"));
  ASSERT_EQ(sizeSeen("after.txt"), 1);
  rewrite("after.txt", "12345");
  EXPECT_EQ(sizeSeen("after.txt"), 5) << "a lookup made after the change is not trusted at all";
}

TEST_F(HotConfigTest, DefaultWriteTypePerPath) {
  uint64_t v = set({"shoal.user.file.writetype.default=MUST_CACHE", "--path", "/data/scratch"});
  ASSERT_TRUE(eventually([&] { return everyoneAt(v); }));
  auto scratch = write("/data/scratch/a.bin", "cache only");
  ASSERT_TRUE(scratch) << scratch.error().toString();
  EXPECT_FALSE(scratch->persisted());
  EXPECT_FALSE(fs::exists(store_.sub("scratch/a.bin")));
  auto kept = write("/data/kept.bin", "both");
  ASSERT_TRUE(kept) << kept.error().toString();
  EXPECT_TRUE(kept->persisted());
  EXPECT_EQ(slurp(store_.sub("kept.bin")), "both");
  // A CLI command takes the rule too.
  store_.write("src/local.txt", "from the CLI");
  auto cp = master_.cli({"fs", "cp", "file://" + store_.sub("src/local.txt"), "/data/scratch/cli.txt"});
  ASSERT_EQ(cp.exit_code, 0) << cp.err;
  EXPECT_FALSE(fs::exists(store_.sub("scratch/cli.txt"))) << "shoal fs cp ignored the cluster's path rule";
  EXPECT_EQ(master_.cli({"fs", "cat", "/data/scratch/cli.txt"}).out, "from the CLI");
  // Through the mount: the same rule.
  {
    std::ofstream out(mnt_.path() + "/data/scratch/b.txt");
    out << "fuse";
  }
  EXPECT_EQ(slurp(mnt_.path() + "/data/scratch/b.txt"), "fuse");
  EXPECT_FALSE(fs::exists(store_.sub("scratch/b.txt")));
  {
    std::ofstream out(mnt_.path() + "/data/c.txt");
    out << "fuse";
  }
  EXPECT_EQ(slurp(store_.sub("c.txt")), "fuse");
}

TEST_F(HotConfigTest, ReadAheadAndPassiveCaching) {
  std::string a = randomBytes(6 * kPage, 1), b = randomBytes(6 * kPage, 2), c = randomBytes(6 * kPage, 3);
  store_.write("a.bin", a);
  store_.write("b.bin", b);
  store_.write("c.bin", c);
  auto sequential = [&](const std::string& path, const std::string& want) {
    auto f = mc_->getStatus(path);
    EXPECT_TRUE(f);
    EXPECT_TRUE(read(*f, 0, kPage) == want.substr(0, kPage));
    EXPECT_TRUE(read(*f, kPage, kPage) == want.substr(kPage, kPage));
  };
  uint64_t v = set({"shoal.user.file.readahead.pages=0"});
  ASSERT_TRUE(eventually([&] { return live_->version() == v; }));
  sequential("/data/a.bin", a);
  EXPECT_EQ(reader_->counters().readahead_requests.load(), 0u);
  v = set({"shoal.user.file.readahead.pages=2"});
  ASSERT_TRUE(eventually([&] { return live_->version() == v; }));
  sequential("/data/b.bin", b);
  EXPECT_EQ(reader_->counters().readahead_requests.load(), 1u);

  // Passive caching: this client says it runs on 127.0.0.2; pages the other host's worker serves
  // are copied to this host's.
  auto f = mc_->getStatus("/data/c.bin");
  ASSERT_TRUE(f);
  ASSERT_TRUE(read(*f, 0, c.size()) == c);
  EXPECT_EQ(reader_->counters().passive_copies.load(), 0u) << "off by default";
  v = set({"shoal.user.file.passive.cache.enabled=true", "--path", "/data"});
  ASSERT_TRUE(eventually([&] { return live_->version() == v; }));
  ASSERT_TRUE(read(*f, 0, c.size()) == c);
  EXPECT_GT(reader_->counters().passive_copies.load(), 0u);
}

TEST_F(HotConfigTest, ConfigurationSurvivesAMasterRestart) {
  set({"shoal.user.file.readahead.pages=5", "--path", "/data/ml"});
  uint64_t v = set({"shoal.log.level=warn"});
  ASSERT_TRUE(eventually([&] { return everyoneAt(v); }));
  ASSERT_TRUE(master_.restart()) << master_.log();
  auto got = master_.cli({"conf", "get", "shoal.user.file.readahead.pages", "--source", "--path", "/data/ml/x"});
  EXPECT_EQ(got.out, "5  (path rule)\n") << got.err;
  got = master_.cli({"conf", "get", "shoal.log.level", "--source"});
  EXPECT_EQ(got.out, "warn  (cluster)\n") << got.err;
  // Every process is still on it (nothing to re-apply), and the next change reaches them all.
  EXPECT_TRUE(eventually([&] { return everyoneAt(v); })) << master_.cli({"conf", "status"}).out;
  uint64_t next = set({"shoal.log.level=info"});
  EXPECT_EQ(next, v + 1);
  EXPECT_TRUE(eventually([&] { return everyoneAt(next); })) << master_.cli({"conf", "status"}).out;
}

}  // namespace
}  // namespace shoal::testing
