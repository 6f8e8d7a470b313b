// Observability with real parts: a real Prometheus (Debian's package) scrapes a master, two
// workers and a FUSE daemon; the series it stored must have moved as this test's own reads say
// they must, and promtool must accept every exposition. The web port answers bad input clearly
// and keeps serving; every daemon, a background FUSE mount included, writes a log file it names.
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/fuse_mount.h"
#include "harness/master_cluster.h"
#include "testing/random_bytes.h"

namespace shoal::testing {
namespace {

constexpr uint64_t kPage = 1 << 20;

// A Prometheus server started by the test, scraping `targets` (host:port) every second.
class PrometheusUnderTest {
 public:
  explicit PrometheusUnderTest(const std::vector<std::pair<std::string, int>>& targets) : port_(freePort()) {
    std::string conf = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n";
    for (const auto& [job, port] : targets) {
      conf += fmt::format("  - job_name: {}\n    static_configs:\n      - targets: ['127.0.0.1:{}']\n", job, port);
    }
    dir_.write("prometheus.yml", conf);
  }
  ~PrometheusUnderTest() {
    if (proc_.running()) proc_.stop(SIGTERM);
  }
  bool start() {
    return proc_.start({"/usr/bin/prometheus", "--config.file=" + dir_.sub("prometheus.yml"),
                        "--storage.tsdb.path=" + dir_.sub("data"),
                        fmt::format("--web.listen-address=127.0.0.1:{}", port_)},
                       dir_.sub("prometheus.log")) &&
           eventually([&] {
             int status = 0;
             httpGet(port_, "/-/ready", &status);
             return status == 200;
           }, 60);
  }
  // The value of a PromQL expression that yields one sample, or -1 when it yields none.
  double query(const std::string& promql) {
    auto r = runCommand({"/usr/bin/curl", "-s", "-G", fmt::format("http://127.0.0.1:{}/api/v1/query", port_),
                         "--data-urlencode", "query=" + promql}, 30);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (j.is_discarded() || j.value("status", "") != "success") return -1;
    const auto& result = j["data"]["result"];
    if (!result.is_array() || result.size() != 1) return -1;
    return std::stod(result[0]["value"][1].get<std::string>());
  }
  // Waits (deadline 60 s) until `promql` is at least `want`; its last value.
  double atLeast(const std::string& promql, double want) {
    double v = -1;
    eventually([&] { return (v = query(promql)) >= want; }, 60);
    return v;
  }
  std::string log() const { return slurp(dir_.sub("prometheus.log")); }

 private:
  TempDir dir_{"shoal-prometheus"};
  int port_;
  ChildProcess proc_;
};

class ObservabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(master_.start()) << master_.log();
    ASSERT_EQ(master_.cli({"fs", "mount", "/data", "file://" + store_.path()}).exit_code, 0);
    for (auto* w : {&w1_, &w2_}) ASSERT_TRUE(w->start()) << w->log();
  }

  TempDir store_{"shoal-obs-store"};
  // Samples for the cluster charts every 200 ms, so a test sees several.
  MasterUnderTest master_{{"shoal.master.metrics.history.interval=200ms"}};
  WorkerUnderTest w1_{master_};
  WorkerUnderTest w2_{master_};
};

TEST_F(ObservabilityTest, PrometheusScrapesEveryDaemonAndTheSeriesFollowTheReads) {
  // Files of known sizes: 3 full pages and a tail, and small files of one page each.
  const uint64_t big = 3 * kPage + 4321;
  store_.write("big.bin", randomBytes(big, 1));
  const int kSmall = 20;
  for (int i = 0; i < kSmall; i++) store_.write(fmt::format("small/f{}.bin", i), randomBytes(1000 + i, 10 + i));
  const uint64_t pages = 4 + kSmall;
  uint64_t bytes = big;
  for (int i = 0; i < kSmall; i++) bytes += 1000 + i;

  TempDir mnt("shoal-obs-mnt");
  int fuse_web = freePort();
  FuseMount m(master_, mnt.path(), {"shoal.fuse.web.port=" + std::to_string(fuse_web), "shoal.user.heartbeat.interval=200ms"});
  ASSERT_TRUE(m.start()) << m.log();
  PrometheusUnderTest prom({{"master", master_.webPort()},
                            {"worker1", w1_.webPort()},
                            {"worker2", w2_.webPort()},
                            {"fuse", fuse_web}});
  ASSERT_TRUE(prom.start()) << prom.log();
  ASSERT_EQ(prom.atLeast("sum(up)", 4), 4) << prom.log();

  // First pass through FUSE: every page is a miss, read from the store once, handed over by
  // short-circuit (same host).
  ASSERT_EQ(slurp(mnt.sub("data/big.bin")), randomBytes(big, 1));
  for (int i = 0; i < kSmall; i++) {
    ASSERT_EQ(slurp(mnt.sub(fmt::format("data/small/f{}.bin", i))), randomBytes(1000 + i, 10 + i));
  }
  EXPECT_EQ(prom.atLeast("sum(shoal_worker_page_store_reads_total)", pages), pages);
  EXPECT_EQ(prom.atLeast("sum(shoal_worker_page_store_read_bytes_total)", bytes), bytes);
  // A miss is counted per request: two requests for one cold page at once (read-ahead beside the
  // read) are two misses and one store read.
  EXPECT_GE(prom.atLeast("sum(shoal_worker_cache_misses_total)", pages), pages);
  EXPECT_EQ(prom.atLeast("sum(shoal_worker_store_read_bytes_total)", bytes), bytes);
  EXPECT_GE(prom.atLeast("sum(shoal_worker_served_bytes_total{path=\"short_circuit\"})", bytes), bytes);
  EXPECT_GE(prom.atLeast("shoal_fuse_ops_total{op=\"read\"}", 1 + kSmall), 1 + kSmall);
  EXPECT_GE(prom.atLeast("shoal_fuse_ops_total{op=\"open\"}", 1 + kSmall), 1 + kSmall);
  EXPECT_GE(prom.atLeast("shoal_fuse_op_latency_seconds_count{op=\"lookup\"}", 1), 1);
  // The client library inside the FUSE daemon: what it read, by source.
  EXPECT_GE(prom.atLeast("shoal_client_read_bytes_total{source=\"short_circuit\"}", bytes), bytes);
  EXPECT_EQ(prom.query("shoal_client_read_bytes_total{source=\"store\"}"), 0);
  // ... and what the master sums from its heartbeats.
  EXPECT_EQ(prom.atLeast("shoal_master_clients{state=\"live\"}", 1), 1);
  EXPECT_GE(prom.atLeast("shoal_cluster_client_read_bytes_total{source=\"short_circuit\"}", bytes), bytes);
  // An error answered to the kernel is counted by operation and errno.
  EXPECT_FALSE(std::filesystem::exists(mnt.sub("data/absent.txt")));
  EXPECT_GE(prom.atLeast("shoal_fuse_errors_total{op=\"lookup\",errno=\"ENOENT\"}", 1), 1);
  double hits_first = prom.query("sum(shoal_worker_cache_hits_total)");
  // The master's cluster hit rate after the first pass, once its sums have caught up with the workers'.
  std::string cluster_rate = "shoal_cluster_cache_hits_total / (shoal_cluster_cache_hits_total + "
                             "shoal_cluster_cache_misses_total)";
  ASSERT_TRUE(eventually([&] {
    return prom.query("shoal_cluster_cache_hits_total") == prom.query("sum(shoal_worker_cache_hits_total)") &&
           prom.query("shoal_cluster_cache_misses_total") == prom.query("sum(shoal_worker_cache_misses_total)");
  }, 60));
  double cluster_rate_first = prom.query(cluster_rate);

  // Second pass through the client library (the kernel's page cache would keep FUSE reads from
  // reaching the workers): all hits, no store read.
  auto r = master_.cli({"fs", "cat", "/data/big.bin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.out.size(), big);
  EXPECT_GE(prom.atLeast("sum(shoal_worker_cache_hits_total)", hits_first + 4), hits_first + 4);
  EXPECT_EQ(prom.query("sum(shoal_worker_page_store_reads_total)"), pages);
  std::string hit_rate = "sum(shoal_worker_cache_hits_total) / (sum(shoal_worker_cache_hits_total) + "
                         "sum(shoal_worker_cache_misses_total))";
  EXPECT_GT(prom.query(hit_rate), hits_first / (hits_first + pages));

  // The cluster view at the master: the workers' cumulative counters, summed.
  EXPECT_EQ(prom.atLeast("shoal_cluster_store_read_bytes_total", bytes), bytes);
  double cluster_hits = prom.atLeast("shoal_cluster_cache_hits_total", hits_first + 4);
  EXPECT_GE(cluster_hits, hits_first + 4);
  EXPECT_GT(prom.query(cluster_rate), cluster_rate_first);
  EXPECT_TRUE(eventually([&] {
    return prom.query("shoal_cluster_cache_misses_total") == prom.query("sum(shoal_worker_cache_misses_total)");
  }, 60));
  // No miss is left in flight once the reads are done.
  EXPECT_TRUE(eventually([&] { return prom.query("sum(shoal_worker_misses_in_flight)") == 0; }, 60));
  // Store reads by mount, at each worker and summed at the master.
  EXPECT_EQ(prom.atLeast("sum(shoal_worker_store_read_bytes_by_mount_total{mount=\"/data\"})", bytes), bytes);
  EXPECT_EQ(prom.atLeast("shoal_cluster_store_read_bytes_by_mount_total{mount=\"/data\"}", bytes), bytes);
  auto report = master_.cli({"fsadmin", "report", "metrics"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find(fmt::format("Bytes read from stores:   {}\n", bytes)), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("Cache hit rate (pages):"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("Workers reporting:        2"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("Clients reporting:        1 live"), std::string::npos) << report.out;

  // The master: its RPCs by method, its workers, its namespace.
  EXPECT_GE(prom.atLeast("sum(shoal_master_rpcs_total{method=\"GetStatus\",status=\"OK\"})", 1), 1);
  EXPECT_GE(prom.atLeast("sum(shoal_master_rpcs_total{method=\"WorkerHeartbeat\"})", 2), 2);
  EXPECT_EQ(prom.atLeast("shoal_master_workers{state=\"live\"}", 2), 2);
  EXPECT_GE(prom.atLeast("shoal_master_inodes", 3 + kSmall), 3 + kSmall);
  EXPECT_GE(prom.atLeast("shoal_master_rpc_latency_seconds_count{method=\"GetStatus\"}", 1), 1);
  // The journal made the mount and the syncs durable; the syncs listed every file of the store.
  EXPECT_GE(prom.atLeast("shoal_master_journal_commit_seconds_count", 2), 2);
  EXPECT_GE(prom.atLeast("shoal_master_journal_batch_entries_sum", 2), 2);
  EXPECT_GE(prom.atLeast("shoal_master_metadata_syncs_total{result=\"ok\"}", 2), 2);
  EXPECT_GE(prom.atLeast("shoal_master_metadata_sync_entries_listed_total", 2 + kSmall), 2 + kSmall);

  // Every exposition passes Prometheus's own linter.
  for (int port : {master_.webPort(), w1_.webPort(), w2_.webPort(), fuse_web}) {
    TempDir d("shoal-obs-expo");
    int status = 0;
    d.write("metrics.txt", httpGet(port, "/metrics", &status));
    ASSERT_EQ(status, 200) << port;
    auto lint = runCommand({"/bin/bash", "-c", "/usr/bin/promtool check metrics < " + d.sub("metrics.txt")}, 60);
    EXPECT_EQ(lint.exit_code, 0) << "port " << port << ": " << lint.out << lint.err;
    EXPECT_EQ(lint.out + lint.err, "") << "port " << port;
  }
}

TEST_F(ObservabilityTest, TheWebPortAnswersBadInputClearlyAndKeepsServing) {
  int port = master_.webPort();
  int status = 0;
  std::string body = httpGet(port, "/no/such/page", &status);
  EXPECT_EQ(status, 404);
  EXPECT_NE(body.find("no such page: /no/such/page"), std::string::npos) << body;
  body = httpGet(port, "/api/v1/log?bytes=lots", &status);
  EXPECT_EQ(status, 400);
  EXPECT_NE(body.find("parameter 'bytes'"), std::string::npos) << body;
  body = httpGet(port, "/metrics", &status, "DELETE");
  EXPECT_EQ(status, 405);
  EXPECT_NE(body.find("GET only"), std::string::npos) << body;
  // A 1 MiB body is refused before it is read whole.
  TempDir d("shoal-obs-big");
  d.write("big", std::string(1 << 20, 'x'));
  auto r = runCommand({"/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data-binary",
                       "@" + d.sub("big"), fmt::format("http://127.0.0.1:{}/metrics", port)}, 30);
  EXPECT_EQ(r.out, "413");
  // A path far too long for any page.
  body = httpGet(port, "/" + std::string(20000, 'a'), &status);
  EXPECT_GE(status, 400);
  // Still serving, and the JSON endpoints say who answers.
  body = httpGet(port, "/api/v1/info", &status);
  ASSERT_EQ(status, 200);
  auto info = nlohmann::json::parse(body, nullptr, false);
  ASSERT_FALSE(info.is_discarded()) << body;
  EXPECT_EQ(info["role"], "master");
  EXPECT_EQ(info["rpc_address"], master_.address());
  body = httpGet(port, "/api/v1/config", &status);
  ASSERT_EQ(status, 200);
  auto conf = nlohmann::json::parse(body, nullptr, false);
  ASSERT_FALSE(conf.is_discarded()) << body;
  bool found = false;
  for (const auto& k : conf["keys"]) {
    if (k["key"] == "shoal.master.rpc.port") {
      found = true;
      EXPECT_EQ(k["value"], std::to_string(master_.port()));
      EXPECT_EQ(k["source"], "override");
    }
  }
  EXPECT_TRUE(found) << body;
}

// The DOM a headless Chromium renders for `url`; its console must hold no script error.
std::string renderedDom(const std::string& url, std::string* console) {
  auto r = runCommand({"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                       "--v=0", "--dump-dom", url}, 120);
  *console = r.err;
  return r.out;
}

TEST_F(ObservabilityTest, EveryUiPageRendersInAHeadlessBrowser) {
  TempDir more("shoal-obs-more");
  auto mounted = master_.cli({"fs", "mount", "/more", "file://" + more.path(), "--readonly"});
  ASSERT_EQ(mounted.exit_code, 0) << mounted.err;
  std::string base = fmt::format("http://127.0.0.1:{}", master_.webPort());
  struct Page {
    std::string path;
    std::vector<std::string> shows;
  };
  std::vector<Page> pages = {
      {"/", {"Shoal master", "single master", "2 live, 0 lost", "Inodes"}},
      {"/workers", {w1_.address(), w2_.address(), "live", "MEM"}},
      {"/mounts", {"/data", "/more", "file://" + store_.path(), "file://" + more.path(), "read-only"}},
      {"/config", {"shoal.master.rpc.port", std::to_string(master_.port()), "override"}},
      {"/log", {"master serving on"}},
      {"/threads", {"Threads of the master", "Waiting in", "Stack", "shoal::"}},
      {"/browse?path=/data", {"Browse /data", "seen.txt", "100.0%", "href=\"/browse?path=/data/sub\""}},
      {"/cluster", {"Cluster metrics", "Cache hit rate", "Bytes served per second", "<polyline"}},
  };
  store_.write("seen.txt", "seen by a reader");
  store_.write("sub/x", "x");
  ASSERT_EQ(master_.cli({"fs", "cat", "/data/seen.txt"}).out, "seen by a reader");
  // The charts need a few samples with reads between them.
  ASSERT_TRUE(eventually([&] {
    (void)master_.cli({"fs", "cat", "/data/seen.txt"});
    auto m = nlohmann::json::parse(httpGet(master_.webPort(), "/api/v1/metrics"), nullptr, false);
    return !m.is_discarded() && m["samples"].size() >= 4 &&
           m["samples"].back()["served_bytes"] > m["samples"].front()["served_bytes"];
  }, 60));
  for (const auto& page : pages) {
    std::string console;
    std::string dom = renderedDom(base + page.path, &console);
    ASSERT_NE(dom.find("</html>"), std::string::npos) << page.path << ": " << dom << console;
    EXPECT_EQ(dom.find("no such page"), std::string::npos) << page.path;
    for (const auto& text : page.shows) EXPECT_NE(dom.find(text), std::string::npos) << page.path << " lacks " << text;
    EXPECT_EQ(console.find("Uncaught"), std::string::npos) << page.path << ": " << console;
    EXPECT_EQ(console.find(":CONSOLE("), std::string::npos) << page.path << ": " << console;
    // Every link of the navigation leads to a page that exists.
    for (const char* link : {"href=\"/workers\"", "href=\"/mounts\"", "href=\"/config\"", "href=\"/log\"",
                             "href=\"/threads\"", "href=\"/browse\"", "href=\"/cluster\""}) {
      EXPECT_NE(dom.find(link), std::string::npos) << page.path;
    }
  }
  // A worker's own overview.
  std::string console;
  std::string dom = renderedDom(fmt::format("http://127.0.0.1:{}/", w1_.webPort()), &console);
  EXPECT_NE(dom.find("Worker " + w1_.address()), std::string::npos) << dom;
  EXPECT_NE(dom.find(w1_.memDir()), std::string::npos) << dom;
  EXPECT_EQ(console.find(":CONSOLE("), std::string::npos) << console;
  // The master's threads, the main thread (its id is the process id) among them.
  int status = 0;
  auto threads = nlohmann::json::parse(httpGet(master_.webPort(), "/api/v1/threads", &status), nullptr, false);
  ASSERT_EQ(status, 200);
  ASSERT_FALSE(threads.is_discarded());
  bool main_thread = false;
  for (const auto& t : threads["threads"]) {
    if (t["tid"] != threads["pid"]) continue;
    main_thread = true;
    // The main thread waits for a termination signal: its user-space stack says so.
    EXPECT_TRUE(t["stack_taken"].get<bool>()) << t.dump();
    EXPECT_NE(t["stack"].dump().find("waitForTermination"), std::string::npos) << t.dump();
  }
  EXPECT_TRUE(main_thread) << threads.dump();
  httpGet(master_.webPort(), "/api/v1/threads?stacks=maybe", &status);
  EXPECT_EQ(status, 400);
  EXPECT_GE(threads["threads"].size(), 4u) << threads.dump();
  // A screenshot of the overview for a person to look at, beside the test's other output.
  std::string shot = (std::filesystem::current_path() / "observability-overview.png").string();
  std::filesystem::remove(shot);
  auto r = runCommand({"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1000,600",
                       "--screenshot=" + shot, base + "/"}, 120);
  EXPECT_TRUE(std::filesystem::exists(shot) && std::filesystem::file_size(shot) > 1000) << r.err;
  std::cout << "overview screenshot: " << shot << "\n";
}

TEST_F(ObservabilityTest, BrowseShowsHowMuchOfEachFileTheWorkersHold) {
  const uint64_t size = 2 * kPage + 777;
  store_.write("read.bin", randomBytes(size, 5));
  store_.write("cold.bin", randomBytes(5000, 6));
  store_.write("sub/inner.txt", "inner");
  auto r = master_.cli({"fs", "cat", "/data/read.bin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.out, randomBytes(size, 5));
  int status = 0;
  auto listing = [&](const std::string& query) {
    return nlohmann::json::parse(httpGet(master_.webPort(), "/api/v1/browse?" + query, &status), nullptr, false);
  };
  auto entry = [](const nlohmann::json& b, const std::string& name) {
    for (const auto& e : b["entries"]) {
      if (e["name"] == name) return e;
    }
    return nlohmann::json();
  };
  auto b = listing("path=/data");
  ASSERT_EQ(status, 200) << b.dump();
  EXPECT_EQ(b["workers_asked"], 2);
  EXPECT_EQ(b["workers_answered"], 2);
  EXPECT_EQ(entry(b, "read.bin")["size"], size);
  EXPECT_EQ(entry(b, "read.bin")["cached_bytes"], size) << b.dump();
  EXPECT_EQ(entry(b, "cold.bin")["cached_bytes"], 0) << b.dump();
  EXPECT_EQ(entry(b, "sub")["type"], "directory");
  EXPECT_FALSE(entry(b, "sub").contains("cached_bytes"));
  // Freed pages are no longer counted.
  ASSERT_EQ(master_.cli({"fs", "free", "/data/read.bin"}).exit_code, 0);
  EXPECT_EQ(entry(listing("path=/data"), "read.bin")["cached_bytes"], 0);
  // Pages of the listing, one name at a time.
  b = listing("path=/data&limit=1");
  ASSERT_EQ(b["entries"].size(), 1u) << b.dump();
  EXPECT_TRUE(b["has_more"].get<bool>());
  std::string first = b["entries"][0]["name"];
  b = listing("path=/data&limit=1&start_after=" + first);
  ASSERT_EQ(b["entries"].size(), 1u) << b.dump();
  EXPECT_GT(b["entries"][0]["name"].get<std::string>(), first);

  // Bad input: named, and the master keeps serving.
  b = listing("path=/data/nothing-here");
  EXPECT_EQ(status, 404);
  EXPECT_NE(b.value("error", "").find("/data/nothing-here"), std::string::npos) << b.dump();
  for (const auto& [query, param] : std::vector<std::pair<std::string, std::string>>{
           {"path=relative", "'path'"}, {"path=/data&limit=0", "'limit'"}, {"path=/data&limit=5000", "'limit'"},
           {"path=/data&limit=x", "'limit'"}, {"colour=blue", "'colour'"}}) {
    b = listing(query);
    EXPECT_EQ(status, 400) << query;
    EXPECT_NE(b.value("error", "").find(param), std::string::npos) << query << ": " << b.dump();
  }
  httpGet(master_.webPort(), "/browse?path=/data/nothing-here", &status);
  EXPECT_EQ(status, 404);
  b = listing("path=/data");
  EXPECT_EQ(status, 200);
}

TEST_F(ObservabilityTest, EveryDaemonWritesALogFileItNames) {
  // The master's log file holds its start-up lines, and /api/v1/log serves its tail.
  int status = 0;
  auto info = nlohmann::json::parse(httpGet(master_.webPort(), "/api/v1/info", &status), nullptr, false);
  ASSERT_EQ(status, 200);
  std::string file = info.value("log_file", "");
  ASSERT_FALSE(file.empty());
  EXPECT_TRUE(eventually([&] { return slurp(file).find("master serving on " + master_.address()) != std::string::npos; }))
      << slurp(file);
  EXPECT_TRUE(eventually([&] {
    auto tail = nlohmann::json::parse(httpGet(master_.webPort(), "/api/v1/log?bytes=100000"), nullptr, false);
    return !tail.is_discarded() && tail.value("tail", "").find("master serving on") != std::string::npos;
  }));

  // A FUSE mount in the background (stdout and stderr gone) says where its log is, and the log
  // explains what it did.
  TempDir mnt("shoal-obs-bg");
  TempDir logs("shoal-obs-logs");
  auto r = master_.cli({"fuse", "mount", mnt.path()}, {"shoal.log.dir=" + logs.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto at = r.out.find("Log: ");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::string fuse_log = r.out.substr(at + 5, r.out.find('\n', at) - at - 5);
  EXPECT_EQ(fuse_log.rfind(logs.path() + "/fuse", 0), 0u) << fuse_log;
  EXPECT_TRUE(eventually([&] { return slurp(fuse_log).find("mounted on " + mnt.path()) != std::string::npos; }))
      << slurp(fuse_log);
  EXPECT_EQ(master_.cli({"fuse", "unmount", mnt.path()}).exit_code, 0);
  EXPECT_TRUE(eventually([&] { return slurp(fuse_log).find("unmounted " + mnt.path()) != std::string::npos; }))
      << slurp(fuse_log);
}

}  // namespace
}  // namespace shoal::testing
