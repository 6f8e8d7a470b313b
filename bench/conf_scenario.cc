// Run it without restarts, measured: one `shoal master` process (so its CPU is its own), then
//  - GetStatus/s with the audit log on beside off (32 threads, the same tree, the same run);
//  - the time from `conf set` to applied in `workers` + `clients` followers (ConfSync, as every
//    worker, FUSE daemon and program runs it), per change, beside the set call itself;
//  - the master's CPU while `sim_workers` heartbeat every second and `sim_clients` hold watches
//    (their default: a 20 s long poll), driven asynchronously from one thread.
#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <sstream>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <grpcpp/grpcpp.h>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include "stubs/conf_client.h"
#include "stubs/conf_sync.h"
#include "stubs/master_client.h"
#include "stubs/master_connection.h"
#include "master.grpc.pb.h"
#include "harness/process.h"
#include "scenarios.h"
#include "testing/free_port.h"
#include "worker.grpc.pb.h"

namespace shoal::bench {
namespace {

using Clock = std::chrono::steady_clock;

// utime + stime of `pid`, in seconds.
double cpuSeconds(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) throw std::runtime_error("conf: cannot read the master's CPU time");
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

proto::ConfChange change(const std::string& key, const std::string& value) {
  proto::ConfChange c;
  c.set_key(key);
  c.set_value(value);
  return c;
}

// One simulated watcher or heartbeat in flight on the completion queue.
struct Call {
  bool watch = true;
  int index = 0;
  grpc::ClientContext ctx;
  proto::WatchConfRequest wreq;
  proto::WatchConfResponse wresp;
  proto::WorkerHeartbeatResponse hresp;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<proto::WatchConfResponse>> wr;
  std::unique_ptr<grpc::ClientAsyncResponseReader<proto::WorkerHeartbeatResponse>> hr;
};

}  // namespace

std::vector<Figure> runConfScenario(const ConfSpec& spec) {
  char tmpl[] = "/tmp/shoal-bench-conf-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  int port = testing::freeLoopbackPort();
  std::string address = "127.0.0.1:" + std::to_string(port);
  testing::ChildProcess master;
  if (!master.start({shoalBinary(), "master", "-Dshoal.master.rpc.port=" + std::to_string(port),
                     "-Dshoal.master.journal.folder=" + dir + "/journal", "-Dshoal.master.web.port=-1",
                     "-Dshoal.log.dir=" + dir, "-Dshoal.log.level=warn", "-Dshoal.audit.dir=" + dir + "/audit",
                     "-Dshoal.master.worker.timeout=60s"},
                    dir + "/master.out")) {
    throw std::runtime_error("conf: cannot start a master");
  }
  if (!testing::eventually([&] { return stubs::MasterClient::masterInfoAt(address, 1000).has_value(); }, 30)) {
    throw std::runtime_error("conf: the master did not answer (see " + dir + ")");
  }
  std::vector<Figure> out;
  stubs::MasterClient mc(address, 30000, 1000);
  stubs::ConfClient conf(mc.connection());

  // Audit on / off: GetStatus of files of a small tree.
  constexpr int kFiles = 1000;
  if (!mc.createDirectory("/t", false)) throw std::runtime_error("conf: mkdir failed");
  for (int i = 0; i < kFiles; ++i) {
    if (!mc.createFile(fmt::format("/t/f{}", i), false, true)) throw std::runtime_error("conf: create failed");
  }
  auto getstatus = [&](const std::string& name, const std::string& baseline) {
    Figure f = runLoad(name, spec.load, [&](int, uint64_t i) {
      return mc.getStatus(fmt::format("/t/f{}", (i * 2654435761ULL) % kFiles)).has_value();
    });
    f.baseline = baseline;
    f.params["files"] = std::to_string(kFiles);
    return f;
  };
  out.push_back(getstatus("audit.off.getstatus", "rpc-echo"));
  if (!conf.set({change("shoal.audit.enabled", "true")}, false)) throw std::runtime_error("conf: audit on failed");
  Figure on = getstatus("audit.on.getstatus", "audit.off.getstatus");
  if (!conf.set({change("shoal.audit.enabled", "false")}, false)) throw std::runtime_error("conf: audit off failed");
  on.params["policy"] = "drop";
  out.push_back(on);

  // Propagation: every follower's listener notes when it applied each version.
  {
    int n = spec.workers + spec.clients;
    std::vector<std::unique_ptr<stubs::MasterConnection>> conns;
    std::vector<std::unique_ptr<LiveConfig>> lives;
    std::vector<std::unique_ptr<LiveConfig::Listener>> listeners;
    std::vector<std::unique_ptr<stubs::ConfSync>> syncs;
    std::mutex mu;
    std::map<uint64_t, std::vector<Clock::time_point>> applied;  // version -> times
    for (int i = 0; i < n; ++i) {
      conns.push_back(std::make_unique<stubs::MasterConnection>(std::vector<std::string>{address}, 30000));
      lives.push_back(std::make_unique<LiveConfig>(Configuration()));
      listeners.push_back(lives.back()->listen({"shoal.user.file.readahead.pages"}, [&](const LiveConfig::Snapshot& s) {
        std::lock_guard lock(mu);
        applied[s.version].push_back(Clock::now());
      }));
      bool worker = i < spec.workers;
      syncs.push_back(std::make_unique<stubs::ConfSync>(*conns.back(), *lives.back(), worker ? "worker" : "client",
                                                         "127.0.0.1", fmt::format("bench-{}", i)));
    }
    std::vector<uint32_t> lat_us, set_us;
    for (int r = 0; r < spec.rounds; ++r) {
      auto t0 = Clock::now();
      auto v = conf.set({change("shoal.user.file.readahead.pages", std::to_string(100 + r))}, false);
      if (!v) throw std::runtime_error("conf: set failed: " + v.error().toString());
      set_us.push_back(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count()));
      bool all = testing::eventually([&] {
        std::lock_guard lock(mu);
        return applied[*v].size() == static_cast<size_t>(n);
      }, 30);
      if (!all) throw std::runtime_error("conf: not every follower applied a change within 30 s");
      std::lock_guard lock(mu);
      for (auto t : applied[*v]) {
        lat_us.push_back(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(t - t0).count()));
      }
    }
    Figure set;
    set.scenario = "conf.set";
    set.ops = set_us.size();
    summarizeLatencies(set_us, &set);
    Figure prop;
    prop.scenario = "conf.propagation";
    prop.baseline = "conf.set";
    prop.ops = lat_us.size();
    prop.params["followers"] = fmt::format("{} workers + {} clients", spec.workers, spec.clients);
    prop.params["changes"] = std::to_string(spec.rounds);
    summarizeLatencies(lat_us, &prop);
    // ops/s columns hold 1/p50 so the ratio compares the medians.
    set.ops_per_sec = set.p50_us > 0 ? 1e6 / set.p50_us : 0;
    prop.ops_per_sec = prop.p50_us > 0 ? 1e6 / prop.p50_us : 0;
    out.push_back(set);
    out.push_back(prop);
    syncs.clear();
  }

  // The master's CPU: idle first, then with the simulated workers and watchers.
  {
    // Measurement windows (not waits for a condition): idle, warm-up, then the measured one.
    const auto window = std::chrono::seconds(std::min(5, spec.cpu_seconds));
    double idle0 = cpuSeconds(master.pid());
    auto idle_t0 = Clock::now();
    std::this_thread::sleep_for(window);
    double idle_pct = (cpuSeconds(master.pid()) - idle0) /
                      std::chrono::duration<double>(Clock::now() - idle_t0).count() * 100.0;

    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (int i = 0; i < 32; ++i) {
      grpc::ChannelArguments args;
      args.SetInt("shoal.bench.channel", i);  // a connection of its own
      channels.push_back(grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
    }
    std::vector<uint64_t> ids;
    for (int w = 0; w < spec.sim_workers; ++w) {
      auto stub = proto::WorkerRegistry::NewStub(channels[w % channels.size()]);
      grpc::ClientContext ctx;
      proto::RegisterWorkerRequest req;
      req.mutable_info()->set_address(fmt::format("127.0.0.{}:{}", 2 + w / 60000, 1000 + w % 60000));
      req.mutable_info()->set_host("sim");
      proto::RegisterWorkerResponse resp;
      if (!stub->RegisterWorker(&ctx, req, &resp).ok()) throw std::runtime_error("conf: RegisterWorker failed");
      ids.push_back(resp.worker_id());
    }
    uint64_t version = conf.get() ? conf.get()->version() : 0;
    grpc::CompletionQueue cq;
    std::atomic<uint64_t> completed{0};
    std::atomic<bool> stop{false};
    auto startWatch = [&](int i) {
      auto* c = new Call;
      c->watch = true;
      c->index = i;
      c->wreq.set_since_version(version);
      c->wreq.set_applied_version(version);
      c->wreq.set_wait_ms(20000);
      c->wreq.set_client_id(fmt::format("sim-client-{}", i));
      c->wreq.set_kind("client");
      c->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      c->wr = proto::ConfigWatch::NewStub(channels[i % channels.size()])->AsyncWatchConf(&c->ctx, c->wreq, &cq);
      c->wr->Finish(&c->wresp, &c->status, c);
    };
    std::thread poller([&] {
      void* tag;
      bool ok;
      while (cq.Next(&tag, &ok)) {
        auto* c = static_cast<Call*>(tag);
        completed.fetch_add(1, std::memory_order_relaxed);
        if (c->watch && !stop.load()) startWatch(c->index);
        delete c;
      }
    });
    for (int i = 0; i < spec.sim_clients; ++i) startWatch(i);
    // Heartbeats: every worker once a second, spread evenly.
    std::thread beater([&] {
      auto next = Clock::now();
      auto gap = std::chrono::microseconds(1'000'000 / std::max(1, spec.sim_workers));
      for (size_t k = 0; !stop.load(); ++k) {
        size_t w = k % ids.size();
        auto* c = new Call;
        c->watch = false;
        proto::WorkerHeartbeatRequest req;
        req.set_worker_id(ids[w]);
        req.set_address(fmt::format("127.0.0.{}:{}", 2 + w / 60000, 1000 + w % 60000));
        c->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        c->hr = proto::WorkerRegistry::NewStub(channels[w % channels.size()])->AsyncWorkerHeartbeat(&c->ctx, req, &cq);
        c->hr->Finish(&c->hresp, &c->status, c);
        next += gap;
        std::this_thread::sleep_until(next);
      }
    });
    std::this_thread::sleep_for(window);  // every watch parked, heartbeats steady
    uint64_t done0 = completed.load();
    double cpu0 = cpuSeconds(master.pid());
    auto t0 = Clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(spec.cpu_seconds));
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    double cpu_pct = (cpuSeconds(master.pid()) - cpu0) / secs * 100.0;
    uint64_t calls = completed.load() - done0;
    stop = true;
    beater.join();
    // Answers every parked watch, so the queue drains.
    conf.set({change("shoal.user.file.readahead.pages", "8")}, false);
    master.stop(SIGTERM);
    cq.Shutdown();
    poller.join();

    // The calls are RPCs: their rate sits beside the bare RPC ceiling; the CPU is the figure.
    Figure load;
    load.scenario = "conf.master_cpu";
    load.baseline = "rpc-echo";
    load.seconds = secs;
    load.ops = calls;
    load.ops_per_sec = static_cast<double>(calls) / secs;
    load.params["workers"] = std::to_string(spec.sim_workers) + " heartbeating every 1 s";
    load.params["clients"] = std::to_string(spec.sim_clients) + " watching (20 s long polls)";
    load.extra["cpu_percent_of_core"] = cpu_pct;
    load.extra["idle_cpu_percent_of_core"] = idle_pct;
    load.extra["cpu_us_per_call"] = calls > 0 ? (cpu_pct / 100.0) * secs * 1e6 / static_cast<double>(calls) : 0;
    out.push_back(load);
  }
  master.stop(SIGTERM);
  std::filesystem::remove_all(dir);
  return out;
}

}  // namespace shoal::bench
