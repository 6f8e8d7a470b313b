// What a Prometheus scrape of the master costs at scale: `files` inodes (loaded by metadata sync
// from a tmpfs store, in directories of 1,000) and `workers` simulated workers heartbeating with
// tiers and counters. GET /metrics is timed beside GET /api/v1/info (the web port's own cost),
// and the master's resident memory is read before and after the scrapes: the metrics read O(1)
// or O(workers) state, so neither may grow with the inodes.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <stdexcept>
#include <unistd.h>

#include "stubs/master_client.h"
#include "master/master_process.h"
#include "rpc/channel.h"
#include "scenarios.h"
#include "testing/free_port.h"
#include "worker.grpc.pb.h"

namespace shoal::bench {
namespace {

Figure timeGets(const std::string& name, const std::string& baseline, int port, const std::string& path, int n,
                std::string* body) {
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(30, 0);
  std::vector<double> us;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    auto s = std::chrono::steady_clock::now();
    auto r = http.Get(path);
    if (!r || r->status != 200) throw std::runtime_error(name + ": GET " + path + " failed");
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - s).count());
    *body = r->body;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::sort(us.begin(), us.end());
  Figure f;
  f.scenario = name;
  f.baseline = baseline;
  f.ops = static_cast<uint64_t>(n);
  f.seconds = secs;
  f.ops_per_sec = n / secs;
  f.p50_us = us[us.size() / 2];
  f.p90_us = us[us.size() * 9 / 10];
  f.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  f.max_us = us.back();
  return f;
}

}  // namespace

std::vector<Figure> runScrapeScenario(uint64_t files, int workers) {
  char shm_tmpl[] = "/dev/shm/shoal-bench-scrape-XXXXXX";
  std::string dir = mkdtemp(shm_tmpl);
  std::string store = dir + "/store", journal = dir + "/journal";
  const uint64_t per_dir = 1000, dirs = (files + per_dir - 1) / per_dir;
  for (uint64_t d = 0; d < dirs; ++d) {
    std::string sub = fmt::format("{}/d{}", store, d);
    std::filesystem::create_directories(sub);
    for (uint64_t i = d * per_dir; i < std::min(files, (d + 1) * per_dir); ++i) {
      int fd = ::open(fmt::format("{}/f{}", sub, i).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      if (fd < 0) throw std::runtime_error("scrape: cannot create the store's files in " + sub);
      ::close(fd);
    }
  }
  int port = testing::freeLoopbackPort();
  auto c = Configuration::load("", {"shoal.master.rpc.port=" + std::to_string(port), "shoal.master.journal.folder=" + journal,
                                    "shoal.master.web.port=0", "shoal.log.dir=", "shoal.log.level=warn",
                                    "shoal.master.worker.timeout=1h"});
  if (!c) throw std::runtime_error(c.error().toString());
  std::vector<Figure> out;
  {
    master::MasterProcess m(*c);
    if (Status st = m.start(); !st) throw std::runtime_error(st.toString());
    stubs::MasterClient client(m.address(), 600000, 1000);
    if (Status st = client.mount("/data", "file://" + store, false, {}); !st) throw std::runtime_error(st.toString());
    // Each listing syncs one directory: the master journals its 1,000 entries.
    for (uint64_t d = 0; d < dirs; ++d) {
      auto listed = client.listAll(fmt::format("/data/d{}", d));
      if (!listed) throw std::runtime_error(listed.error().toString());
    }
    auto registry = proto::WorkerRegistry::NewStub(rpc::makeChannel(m.address()));
    for (int w = 0; w < workers; ++w) {
      proto::RegisterWorkerRequest req;
      req.mutable_info()->set_address(fmt::format("10.0.{}.{}:29999", w / 250, w % 250 + 1));
      req.mutable_info()->set_host(fmt::format("10.0.{}.{}", w / 250, w % 250 + 1));
      proto::RegisterWorkerResponse resp;
      grpc::ClientContext ctx;
      if (!registry->RegisterWorker(&ctx, req, &resp).ok()) throw std::runtime_error("scrape: RegisterWorker failed");
      proto::WorkerHeartbeatRequest hb;
      hb.set_worker_id(resp.worker_id());
      hb.set_address(req.info().address());
      for (const char* tier : {"MEM", "SSD"}) {
        auto* t = hb.add_tiers();
        t->set_name(tier);
        t->set_capacity(64ULL << 30);
        t->set_used(static_cast<uint64_t>(w) << 20);
      }
      hb.mutable_counters()->set_cache_hits(static_cast<uint64_t>(w) * 1000);
      (*hb.mutable_counters()->mutable_store_read_bytes_by_mount())["/data"] = static_cast<uint64_t>(w) << 20;
      proto::WorkerHeartbeatResponse hresp;
      grpc::ClientContext hctx;
      if (!registry->WorkerHeartbeat(&hctx, hb, &hresp).ok()) throw std::runtime_error("scrape: heartbeat failed");
    }
    int web = std::stoi(m.webAddress().substr(m.webAddress().rfind(':') + 1));
    std::string info, exposition;
    out.push_back(timeGets("scrape.info", "", web, "/api/v1/info", 200, &info));
    (void)timeGets("warmup", "", web, "/metrics", 5, &exposition);
    uint64_t before = rssBytes();
    Figure f = timeGets("scrape.metrics", "scrape.info", web, "/metrics", 200, &exposition);
    uint64_t after = rssBytes();
    // The master's own count, read from the exposition: the inodes really are there.
    auto at = exposition.find("\nshoal_master_inodes ");
    if (at == std::string::npos) throw std::runtime_error("scrape: no shoal_master_inodes in the exposition");
    f.params["inodes"] = exposition.substr(at + 21, exposition.find('\n', at + 1) - at - 21);
    f.params["workers"] = std::to_string(workers);
    f.extra["exposition_bytes"] = static_cast<double>(exposition.size());
    f.extra["rss_growth_kib_over_200_scrapes"] = static_cast<double>(after > before ? after - before : 0) / 1024;
    out.push_back(f);
    m.stop();
  }
  std::filesystem::remove_all(dir);
  return out;
}

}  // namespace shoal::bench
