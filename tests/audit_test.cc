// The audit log on a running cluster: turned on with `shoal conf set`, a scripted sequence of
// changes through the CLI, the C++ API and a FUSE mount leaves exactly those records, in order, at
// the master (every front door's namespace calls) and at the mount (its own operations, with the
// caller's uid and pid); turned off, nothing more is written.
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/fuse_mount.h"
#include "harness/master_cluster.h"
#include "shoal/file_system.h"

namespace shoal::testing {
namespace {

namespace fs = std::filesystem;

std::vector<nlohmann::json> records(const std::string& dir, const std::string& prefix) {
  std::vector<nlohmann::json> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(".audit.log")) continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line, nullptr, false));
  }
  return out;
}

// "op path [dst] result" of each record, for comparing sequences.
std::vector<std::string> summary(const std::vector<nlohmann::json>& recs) {
  std::vector<std::string> out;
  for (const auto& r : recs) {
    if (r.is_discarded()) {
      out.push_back("<not json>");
      continue;
    }
    std::string s = r.value("op", "?") + " " + r.value("path", "?");
    if (r.contains("dst")) s += " " + r.value("dst", "?");
    out.push_back(s + " " + r.value("result", "?"));
  }
  return out;
}

TEST(Audit, RecordsMatchAScriptedSequenceThroughEveryFrontDoor) {
  TempDir audit_dir{"shoal-audit"};
  TempDir store{"shoal-audit-store"};
  TempDir mnt{"shoal-audit-mnt"};
  const std::string dir_conf = "shoal.audit.dir=" + audit_dir.path();
  MasterUnderTest master({dir_conf});
  ASSERT_TRUE(master.start()) << master.log();
  ASSERT_EQ(master.cli({"fs", "mount", "/data", "file://" + store.path()}).exit_code, 0);
  WorkerUnderTest worker(master);
  ASSERT_TRUE(worker.start()) << worker.log();
  FuseMount mount(master, mnt.path(), {dir_conf});
  ASSERT_TRUE(mount.start()) << mount.log();
  auto api = FileSystem::connect({"shoal.master.rpc.port=" + std::to_string(master.port())});
  ASSERT_TRUE(api) << api.error().toString();

  // Only changes, only under /data/a: reads and everything else stay out of the records.
  auto set = master.cli({"conf", "set", "shoal.audit.enabled=true", "shoal.audit.filter.ops=mkdir,rename,delete,rmdir",
                         "shoal.audit.filter.paths=/data/a"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  ASSERT_TRUE(eventually([&] {
    auto s = master.cli({"conf", "status"});
    return s.out.find("every live process applied it") != std::string::npos;
  }));

  ASSERT_EQ(master.cli({"fs", "mkdir", "/data/a"}).exit_code, 0);                    // CLI
  ASSERT_EQ(master.cli({"fs", "mkdir", "/data/elsewhere"}).exit_code, 0);            // filtered out
  ASSERT_TRUE((*api)->mkdir("/data/a/d", false).isOk());                            // C++ API
  ASSERT_TRUE((*api)->rename("/data/a/d", "/data/a/e").isOk());
  EXPECT_EQ((*api)->rename("/data/a/nope", "/data/a/x").code(), StatusCode::kNotFound);
  ASSERT_EQ(::mkdir((mnt.path() + "/data/a/f").c_str(), 0755), 0);                 // FUSE
  ASSERT_EQ(::mkdir((mnt.path() + "/data/a/f/g").c_str(), 0755), 0);
  ASSERT_NE(::rmdir((mnt.path() + "/data/a/f").c_str()), 0);
  ASSERT_EQ(errno, ENOTEMPTY);
  ASSERT_EQ(::rmdir((mnt.path() + "/data/a/f/g").c_str()), 0);
  ASSERT_EQ(::rmdir((mnt.path() + "/data/a/f").c_str()), 0);

  const std::vector<std::string> want_master = {
      "mkdir /data/a ok",
      "mkdir /data/a/d ok",
      "rename /data/a/d /data/a/e ok",
      "rename /data/a/nope /data/a/x NotFound",
      "mkdir /data/a/f ok",      // the mount's calls, as the master served them
      "mkdir /data/a/f/g ok",
      "delete /data/a/f DirectoryNotEmpty",
      "delete /data/a/f/g ok",
      "delete /data/a/f ok"};
  const std::vector<std::string> want_fuse = {"mkdir /data/a/f ok", "mkdir /data/a/f/g ok", "rmdir /data/a/f ENOTEMPTY",
                                              "rmdir /data/a/f/g ok", "rmdir /data/a/f ok"};
  EXPECT_TRUE(eventually([&] { return summary(records(audit_dir.path(), "master-")).size() >= want_master.size(); }));
  EXPECT_TRUE(eventually([&] { return summary(records(audit_dir.path(), "fuse")).size() >= want_fuse.size(); }));
  auto master_recs = records(audit_dir.path(), "master-");
  auto fuse_recs = records(audit_dir.path(), "fuse");
  EXPECT_EQ(summary(master_recs), want_master);
  EXPECT_EQ(summary(fuse_recs), want_fuse);
  for (const auto& r : master_recs) {
    EXPECT_EQ(r.value("door", ""), "master");
    EXPECT_FALSE(r.value("user", "").empty());
    EXPECT_TRUE(r.value("client", "").starts_with("127.0.0.1:")) << r.dump();
    EXPECT_TRUE(r.contains("latency_us"));
  }
  // Changes carry their request id, so a retried call can be matched to its first attempt.
  EXPECT_FALSE(master_recs.at(0).value("request_id", "").empty());
  for (const auto& r : fuse_recs) {
    EXPECT_EQ(r.value("door", ""), "fuse");
    EXPECT_EQ(r.value("client", ""), fmt::format("pid {}", ::getpid())) << "the caller's pid from the FUSE request";
    EXPECT_FALSE(r.value("user", "").empty());
  }

  // Off: nothing more is written.
  ASSERT_EQ(master.cli({"conf", "set", "shoal.audit.enabled=false"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] {
    return master.cli({"conf", "status"}).out.find("every live process applied it") != std::string::npos;
  }));
  ASSERT_EQ(master.cli({"fs", "mkdir", "/data/a/off1"}).exit_code, 0);
  ASSERT_EQ(::mkdir((mnt.path() + "/data/a/off2").c_str(), 0755), 0);
  // On again: a marker after the changes made while off shows the writer caught up with them.
  ASSERT_EQ(master.cli({"conf", "set", "shoal.audit.enabled=true"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] {
    return master.cli({"conf", "status"}).out.find("every live process applied it") != std::string::npos;
  }));
  ASSERT_EQ(::mkdir((mnt.path() + "/data/a/marker").c_str(), 0755), 0);
  auto with = [](std::vector<std::string> v, std::string last) {
    v.push_back(std::move(last));
    return v;
  };
  EXPECT_TRUE(eventually([&] { return summary(records(audit_dir.path(), "fuse")).size() > want_fuse.size(); }));
  EXPECT_TRUE(eventually([&] { return summary(records(audit_dir.path(), "master-")).size() > want_master.size(); }));
  EXPECT_EQ(summary(records(audit_dir.path(), "master-")), with(want_master, "mkdir /data/a/marker ok"));
  EXPECT_EQ(summary(records(audit_dir.path(), "fuse")), with(want_fuse, "mkdir /data/a/marker ok"));
  int status = 0;
  std::string metrics = httpGet(master.webPort(), "/metrics", &status);
  EXPECT_EQ(metricValue(metrics, "shoal_master_audit_records_total"), static_cast<double>(want_master.size() + 1));
  EXPECT_EQ(metricValue(metrics, "shoal_master_audit_dropped_total"), 0.0);
}

}  // namespace
}  // namespace shoal::testing
