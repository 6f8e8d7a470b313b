// shoal-bench runs every scenario at tiny sizes and reports sane fields. Asserts nothing about
// speed (speed is measured by `make bench`, never asserted in tests).
#include <filesystem>
#include <fstream>
#include <map>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/master_cluster.h"

namespace shoal::testing {
namespace {

TEST(BenchSmoke, SuiteRunsAndWritesSaneJson) {
  TempDir dir("shoal-bench-smoke");
  std::string json = dir.sub("out.json"), md = dir.sub("out.md");
  auto r = runCommand({SHOAL_BENCH_BINARY, "--threads", "2", "--duration", "0.2", "--json", json, "--markdown", md,
                       "suite", "--files", "2000", "--file-size", "4194304", "--fuse-files", "300", "--ha-rounds", "1",
                       "--conf-sim-workers", "20", "--conf-sim-clients", "100", "--conf-seconds", "1"},
                      300);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::ifstream in(json);
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["environment"]["cores"].get<int>(), static_cast<int>(std::thread::hardware_concurrency()));
  std::set<std::string> seen;
  for (const auto& f : j["figures"]) {
    std::string name = f["scenario"];
    seen.insert(name);
    EXPECT_GT(f["ops"].get<uint64_t>(), 0u) << name;
    EXPECT_GT(f["ops_per_sec"].get<double>(), 0.0) << name;
    if (name.rfind("master.", 0) == 0) {
      EXPECT_EQ(f["baseline"], "rpc-echo") << name;
      EXPECT_LE(f["latency_us"]["p50"].get<double>(), f["latency_us"]["p99"].get<double>()) << name;
      EXPECT_LE(f["latency_us"]["p99"].get<double>(), f["latency_us"]["max"].get<double>()) << name;
    }
  }
  for (const char* s : {"rpc-echo", "master.getstatus", "master.liststatus", "master.mkdir", "master.create+complete",
                        "master.rename", "master.delete", "metastore.heap.inodes", "tcp.bulk", "worker.remote-read",
                        "pread.pagefiles", "worker.short-circuit-read", "worker.random-4k.short-circuit",
                        "worker.random-4k.remote", "fuse.stat.cached", "fuse.read4k.cached", "fuse.dd",
                        "barefuse.dd", "tmpfs.stat.first", "ha.local.mkdir", "ha.raft.mkdir", "ha.failover", "client.seq-read", "local.seq-read",
                        "client.random-4k", "local.random-4k", "client.small-file-read", "local.small-file-read",
                        "client.write.must-cache", "client.write.cache-through", "client.write.through",
                        "local.write", "scrape.info", "scrape.metrics", "fuse_metrics_off.read4k.cached",
                        "fuse_metrics_on.read4k.cached", "audit.off.getstatus", "audit.on.getstatus", "conf.set",
                        "conf.propagation", "conf.master_cpu"}) {
    EXPECT_TRUE(seen.count(s)) << s << " missing from the report";
  }
  auto meta = std::find_if(j["figures"].begin(), j["figures"].end(),
                           [](const auto& f) { return f["scenario"] == "metastore.heap.inodes"; });
  ASSERT_NE(meta, j["figures"].end());
  EXPECT_GT((*meta)["extra"]["bytes_per_inode"].get<double>(), 0.0);
  auto failover = std::find_if(j["figures"].begin(), j["figures"].end(),
                               [](const auto& f) { return f["scenario"] == "ha.failover"; });
  ASSERT_NE(failover, j["figures"].end());
  EXPECT_GT((*failover)["extra"]["median_ms"].get<double>(), 0.0);
  EXPECT_LE((*failover)["extra"]["min_ms"].get<double>(), (*failover)["extra"]["max_ms"].get<double>());
  std::ifstream mdin(md);
  std::string table((std::istreambuf_iterator<char>(mdin)), std::istreambuf_iterator<char>());
  EXPECT_NE(table.find("| master.getstatus |"), std::string::npos) << table;
}

TEST(BenchSmoke, StormReadsEveryFileOfEachPathInEveryProcess) {
  TempDir a("shoal-storm-a"), b("shoal-storm-b"), dir("shoal-storm-out");
  for (int i = 0; i < 30; ++i) {
    a.write("d" + std::to_string(i % 4) + "/f" + std::to_string(i), std::string(100 + i, 'x'));
    b.write("f" + std::to_string(i), std::string(10, 'y'));
  }
  std::string json = dir.sub("storm.json");
  auto r = runCommand({SHOAL_BENCH_BINARY, "--json", json, "storm", "--processes", "3", "--baseline", "b",
                       "--path", "a=" + a.path(), "--path", "b=" + b.path()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::ifstream in(json);
  auto j = nlohmann::json::parse(in);
  std::map<std::string, nlohmann::json> figures;
  for (const auto& f : j["figures"]) figures[f["scenario"]] = f;
  for (const char* pass : {"cold", "warm"}) {
    auto fa = figures[std::string("storm.a.") + pass];
    EXPECT_EQ(fa["ops"].get<uint64_t>(), 90u) << "3 processes x 30 files";
    EXPECT_EQ(fa["baseline"], std::string("storm.b.") + pass);
    EXPECT_EQ(figures[std::string("storm.b.") + pass]["ops"].get<uint64_t>(), 90u);
  }
  r = runCommand({SHOAL_BENCH_BINARY, "storm", "--path", "a=/no/such/dir"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/no/such/dir"), std::string::npos) << r.err;
}

TEST(BenchSmoke, UfsScenarioReportsEveryOperationOfTheStore) {
  TempDir store("shoal-ufs-bench"), dir("shoal-ufs-out");
  std::string json = dir.sub("ufs.json");
  auto r = runCommand({SHOAL_BENCH_BINARY, "--threads", "2", "--json", json, "ufs", "--uri", "file://" + store.path(),
                       "--files", "20", "--big-size", "1048576"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::ifstream in(json);
  auto j = nlohmann::json::parse(in);
  std::map<std::string, nlohmann::json> figures;
  for (const auto& f : j["figures"]) figures[f["scenario"]] = f;
  for (const char* op : {"ufs.create", "ufs.stat", "ufs.read", "ufs.list.entries"}) {
    ASSERT_TRUE(figures.count(op)) << op;
    EXPECT_EQ(figures[op]["ops"].get<uint64_t>(), 20u) << op;
  }
  EXPECT_GT(figures["ufs.read.big"]["mb_per_sec"].get<double>(), 0.0);
  EXPECT_TRUE(std::filesystem::is_empty(store.path())) << "the scenario left files in the store";
  r = runCommand({SHOAL_BENCH_BINARY, "ufs", "--uri", "file:///no/such/dir"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("file:///no/such/dir"), std::string::npos) << r.err;
}

TEST(BenchSmoke, BadArgumentsAreClearErrors) {
  auto r = runCommand({SHOAL_BENCH_BINARY, "--threads", "0", "rpc-echo"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("--threads"), std::string::npos) << r.out << r.err;
  r = runCommand({SHOAL_BENCH_BINARY, "--duration", "0.1", "master", "--master", "127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("127.0.0.1:1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace shoal::testing
