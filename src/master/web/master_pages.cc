#include "master/web/master_pages.h"

#include <chrono>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/units.h"
#include "daemon/daemon.h"
#include "master/fs/file_system_master.h"
#include "master/journal/raft_journal.h"
#include "master/web/browse.h"
#include "master/workers/cluster_counters.h"
#include "master/workers/cluster_history.h"
#include "master/workers/worker_registry.h"
#include "shoal_version.h"
#include "web/chart.h"
#include "web/html.h"

namespace shoal::master {
namespace {

using nlohmann::json;
using web::htmlEscape;

const std::vector<std::pair<std::string, std::string>> kNav = {
    {"/", "Overview"},      {"/workers", "Workers"}, {"/mounts", "Mounts"},   {"/browse", "Browse"},
    {"/cluster", "Cluster metrics"}, {"/config", "Configuration"}, {"/log", "Log"}, {"/threads", "Threads"},
    {"/metrics", "Metrics (Prometheus)"}};

struct Pages {
  daemon::Daemon& daemon;
  const Configuration& conf;
  FileSystemMaster& fs;
  Journal& journal;
  RaftJournal* raft;
  WorkerRegistry& workers;
  ClusterHistory& history;
  CachedBytesProbe probe;

  json overview() const {
    int64_t now = nowMs();
    bool serving = journal.servingStatus().isOk();
    json j = {{"version", kShoalVersion},
              {"revision", kShoalRevision},
              {"uptime_ms", now - daemon.startMs()},
              {"role", serving ? (raft ? "leader" : "single master") : "standby"},
              {"serving", serving},
              {"leader_rpc_address", serving ? "" : journal.leaderRpcAddress()},
              {"journal_sequence", journal.lastSequence()},
              {"inodes", fs.inodeCount()},
              {"mounts", fs.mountTable().size()}};
    if (raft) {
      RaftState s = raft->state();
      json members = json::array();
      for (const auto& m : s.members) members.push_back(m.address);
      j["raft"] = {{"role", s.role}, {"term", s.term}, {"commit_index", s.commit_index}, {"members", members}};
    }
    ClusterSample s = sampleCluster(workers, now);
    j["workers"] = {{"live", s.live_workers}, {"lost", s.lost_workers}};
    j["cache"] = {{"capacity_bytes", s.cache_capacity_bytes},
                  {"used_bytes", s.cache_used_bytes},
                  {"hit_rate", hitRate(s.counters)},
                  {"byte_hit_rate", byteHitRate(s.counters)}};
    return j;
  }

  // The cluster's cumulative figures now, and the last hour of samples for the charts.
  json clusterMetrics() const {
    bool serving = journal.servingStatus().isOk();
    const auto c = workers.counterTotals();
    json by_mount = json::object();
    for (const auto& [mount, bytes] : c.store_read_bytes_by_mount()) by_mount[mount] = bytes;
    json samples = json::array();
    for (const auto& s : history.samples()) {
      samples.push_back({{"time_ms", s.time_ms},
                         {"served_bytes", servedBytes(s.counters)},
                         {"store_read_bytes", s.counters.store_read_bytes()},
                         {"cache_hits", s.counters.cache_hits()},
                         {"cache_misses", s.counters.cache_misses()},
                         {"cache_used_bytes", s.cache_used_bytes},
                         {"live_workers", s.live_workers}});
    }
    return {{"serving", serving},
            {"leader_rpc_address", serving ? "" : journal.leaderRpcAddress()},
            {"current",
             {{"cache_hits", c.cache_hits()},
              {"cache_misses", c.cache_misses()},
              {"hit_rate", hitRate(c)},
              {"byte_hit_rate", byteHitRate(c)},
              {"served_bytes",
               {{"short_circuit", c.served_short_circuit_bytes()},
                {"grpc", c.served_grpc_bytes()},
                {"data_port", c.served_data_port_bytes()}}},
              {"store_read_bytes", c.store_read_bytes()},
              {"store_read_bytes_by_mount", by_mount},
              {"evictions", c.evictions()}}},
            {"interval_ms", history.intervalMs()},
            {"samples", samples}};
  }

  json workerList() const {
    json out = json::array();
    int64_t now = nowMs();
    for (const auto& w : workers.workers(true, now)) {
      json tiers = json::array();
      for (const auto& t : w.tiers()) {
        tiers.push_back({{"name", t.name()}, {"capacity_bytes", t.capacity()}, {"used_bytes", t.used()}, {"pages", t.pages()}});
      }
      out.push_back({{"id", w.id()},
                     {"address", w.address()},
                     {"state", w.live() ? "live" : "lost"},
                     {"last_heartbeat_ms_ago", now - w.last_heartbeat_ms()},
                     {"tiers", tiers}});
    }
    return out;
  }

  json mounts() const {
    // Mount options are left out: they can hold store credentials.
    json out = json::array();
    for (const auto& m : fs.mountTable()) {
      out.push_back({{"path", m.path()}, {"uri", m.uri()}, {"readonly", m.readonly()}, {"mount_id", m.mount_id()}});
    }
    return out;
  }
};

std::string cell(const json& v) { return htmlEscape(v.is_string() ? v.get<std::string>() : v.dump()); }

std::string bytes(uint64_t n) { return htmlEscape(humanBytes(n)); }

std::string percent(double r) { return fmt::format("{:.1f}%", 100 * r); }

// HTTP status for an error of the namespace: what the user asked for is wrong (400, 404) or the
// master cannot answer now (503).
int httpStatus(const Status& st) {
  switch (st.code()) {
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotADirectory:
      return 400;
    case StatusCode::kNotLeader:
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return 503;
    default:
      return 500;
  }
}

// Per-second rates (or ratios) between successive samples, for a chart. A counter that went down
// (a restarted worker whose sum a new leader has not heard yet) gives no point rather than a spike.
std::vector<web::ChartPoint> rates(const json& samples, const std::function<std::optional<double>(const json&, const json&)>& f) {
  std::vector<web::ChartPoint> out;
  for (size_t i = 1; i < samples.size(); ++i) {
    if (auto y = f(samples[i - 1], samples[i])) {
      out.push_back({samples[i]["time_ms"].get<double>() / 1000.0, *y});
    }
  }
  return out;
}

std::optional<double> perSecond(const json& a, const json& b, const char* key) {
  double dt = (b["time_ms"].get<double>() - a["time_ms"].get<double>()) / 1000.0;
  uint64_t va = a[key].get<uint64_t>(), vb = b[key].get<uint64_t>();
  if (dt <= 0 || vb < va) return std::nullopt;
  return static_cast<double>(vb - va) / dt;
}

}  // namespace

void addMasterPages(daemon::Daemon& d, const Configuration& conf, FileSystemMaster& fs, Journal& journal,
                    RaftJournal* raft, WorkerRegistry& workers, ClusterHistory& history) {
  auto p = std::make_shared<Pages>(d, conf, fs, journal, raft, workers, history);
  d.setNav(kNav);
  auto& w = d.web();
  w.get("/api/v1/overview", [p](const web::Request&) { return web::jsonResponse(p->overview().dump(2) + "\n"); });
  w.get("/api/v1/workers", [p](const web::Request&) { return web::jsonResponse(p->workerList().dump(2) + "\n"); });
  w.get("/api/v1/mounts", [p](const web::Request&) { return web::jsonResponse(p->mounts().dump(2) + "\n"); });

  w.get("/", [p](const web::Request&) {
    json o = p->overview();
    std::vector<std::vector<std::string>> rows = {
        {"Version", cell(o["version"]) + " (" + cell(o["revision"]) + ")"},
        {"Uptime", htmlEscape(fmt::format("{} s", o["uptime_ms"].get<int64_t>() / 1000))},
        {"Role", cell(o["role"]) + (o["serving"].get<bool>() ? "" : " &mdash; the leader is " + cell(o["leader_rpc_address"]))},
        {"Inodes", cell(o["inodes"])},
        {"Mounts", cell(o["mounts"])},
        {"Workers", cell(o["workers"]["live"]) + " live, " + cell(o["workers"]["lost"]) + " lost"},
        {"Cache", bytes(o["cache"]["used_bytes"]) + " used of " + bytes(o["cache"]["capacity_bytes"])},
        {"Hit rate", percent(o["cache"]["hit_rate"].get<double>()) + " of page reads, " +
                         percent(o["cache"]["byte_hit_rate"].get<double>()) + " of bytes served"},
        {"Journal sequence", cell(o["journal_sequence"])}};
    if (o.contains("raft")) {
      rows.push_back({"Raft", "term " + cell(o["raft"]["term"]) + ", " + cell(o["raft"]["role"]) + ", members " +
                                  cell(o["raft"]["members"])});
    }
    return web::htmlResponse(web::htmlPage("Shoal master", kNav, web::htmlTable({"", ""}, rows)));
  });
  w.get("/workers", [p](const web::Request&) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& wk : p->workerList()) {
      std::string tiers;
      for (const auto& t : wk["tiers"]) {
        tiers += cell(t["name"]) + ": " + bytes(t["used_bytes"]) + " / " + bytes(t["capacity_bytes"]) + " (" +
                 cell(t["pages"]) + " pages) ";
      }
      rows.push_back({cell(wk["id"]), cell(wk["address"]), cell(wk["state"]), tiers,
                      htmlEscape(fmt::format("{} ms ago", wk["last_heartbeat_ms_ago"].get<int64_t>()))});
    }
    return web::htmlResponse(web::htmlPage(
        "Workers", kNav, web::htmlTable({"Id", "Address", "State", "Tiers", "Last heartbeat"}, rows)));
  });
  w.get("/mounts", [p](const web::Request&) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : p->mounts()) {
      rows.push_back({cell(m["path"]), cell(m["uri"]), m["readonly"].get<bool>() ? "read-only" : "read-write"});
    }
    return web::htmlResponse(web::htmlPage("Mount table", kNav, web::htmlTable({"Path", "Store", "Access"}, rows)));
  });
  w.get("/config", [p](const web::Request&) {
    // This master's values under the cluster configuration it applied, then the path rules.
    auto snap = p->daemon.liveConfig().current();
    std::vector<std::vector<std::string>> rows, rules;
    for (const auto& k : allPropertyKeys()) {
      rows.push_back({htmlEscape(k.name), htmlEscape(snap->conf->getString(k.name)),
                      htmlEscape(valueSourceName(snap->conf->sourceOf(k.name))), mutabilityName(k.mutability)});
    }
    for (const auto& r : snap->rules) {
      if (!r.path.empty()) rules.push_back({htmlEscape(r.path), htmlEscape(r.key), htmlEscape(r.value)});
    }
    std::string body = "<p>Cluster configuration version " + std::to_string(snap->version) +
                       " (<code>shoal conf history</code> lists the changes).</p>" +
                       web::htmlTable({"Key", "Value", "Source", "Mutability"}, rows);
    if (!rules.empty()) body += "<h2>Path rules</h2>" + web::htmlTable({"Prefix", "Key", "Value"}, rules);
    return web::htmlResponse(web::htmlPage("Configuration", kNav, body));
  });
  w.get("/api/v1/metrics", [p](const web::Request&) { return web::jsonResponse(p->clusterMetrics().dump(2) + "\n"); });
  w.get("/cluster", [p](const web::Request&) {
    json m = p->clusterMetrics();
    if (!m["serving"].get<bool>()) {
      return web::htmlResponse(web::htmlPage(
          "Cluster metrics", kNav,
          "<p>This master is a standby: workers heartbeat to the leader, which keeps the cluster figures. The "
          "leader is " + cell(m["leader_rpc_address"]) + ".</p>"));
    }
    const json& c = m["current"];
    std::vector<std::vector<std::string>> rows = {
        {"Cache hit rate", percent(c["hit_rate"].get<double>()) + " of page reads (" + cell(c["cache_hits"]) +
                               " hits, " + cell(c["cache_misses"]) + " misses), " +
                               percent(c["byte_hit_rate"].get<double>()) + " of bytes served"},
        {"Bytes served", bytes(c["served_bytes"]["short_circuit"]) + " short-circuit, " +
                             bytes(c["served_bytes"]["grpc"]) + " gRPC, " + bytes(c["served_bytes"]["data_port"]) +
                             " data port"},
        {"Bytes read from stores", bytes(c["store_read_bytes"])},
        {"Pages evicted", cell(c["evictions"])}};
    for (const auto& [mount, n] : c["store_read_bytes_by_mount"].items()) {
      rows.push_back({"Read from the store of " + htmlEscape(mount), bytes(n.get<uint64_t>())});
    }
    const json& s = m["samples"];
    auto byte_rate = [](double v) { return humanBytes(static_cast<uint64_t>(v)) + "/s"; };
    std::string charts =
        web::svgLineChart("Bytes served per second", rates(s, [](const json& a, const json& b) { return perSecond(a, b, "served_bytes"); }), byte_rate) +
        web::svgLineChart("Bytes read from stores per second",
                          rates(s, [](const json& a, const json& b) { return perSecond(a, b, "store_read_bytes"); }), byte_rate) +
        web::svgLineChart("Cache hit rate (page reads in each interval)",
                          rates(s, [](const json& a, const json& b) -> std::optional<double> {
                            auto h = perSecond(a, b, "cache_hits"), x = perSecond(a, b, "cache_misses");
                            if (!h || !x || *h + *x == 0) return std::nullopt;
                            return *h / (*h + *x);
                          }),
                          [](double v) { return percent(v); }) +
        web::svgLineChart("Cache used", [&s] {
          std::vector<web::ChartPoint> out;
          for (const auto& q : s) out.push_back({q["time_ms"].get<double>() / 1000.0, q["cache_used_bytes"].get<double>()});
          return out;
        }(), [](double v) { return humanBytes(static_cast<uint64_t>(v)); });
    return web::htmlResponse(web::htmlPage(
        "Cluster metrics", kNav,
        web::htmlTable({"", ""}, rows) + "<h2>The last hour</h2><p>One sample every " +
            htmlEscape(fmt::format("{} s", m["interval_ms"].get<int64_t>() / 1000.0)) + ", " +
            htmlEscape(std::to_string(s.size())) + " kept.</p>" + charts));
  });
  w.get("/api/v1/browse", [p](const web::Request& req) {
    auto q = parseBrowseQuery(req.params);
    if (!q) return web::errorResponse(400, q.error().message());
    if (!p->journal.servingStatus().isOk()) {
      return web::errorResponse(503, "this master is a standby; browse on the leader (" + p->journal.leaderRpcAddress() + ")");
    }
    auto b = browse(p->fs, p->workers, p->probe, *q);
    if (!b) return web::errorResponse(httpStatus(b.error()), b.error().message());
    return web::jsonResponse(b->dump(2) + "\n");
  });
  w.get("/browse", [p](const web::Request& req) {
    auto q = parseBrowseQuery(req.params);
    auto page = [](int status, const std::string& title, const std::string& body) {
      auto r = web::htmlResponse(web::htmlPage(title, kNav, body));
      r.status = status;
      return r;
    };
    if (!q) return page(400, "Browse", "<p>" + htmlEscape(q.error().message()) + "</p>");
    if (!p->journal.servingStatus().isOk()) {
      return page(503, "Browse", "<p>This master is a standby; browse on the leader (" +
                                     htmlEscape(p->journal.leaderRpcAddress()) + ").</p>");
    }
    auto b = browse(p->fs, p->workers, p->probe, *q);
    if (!b) return page(httpStatus(b.error()), "Browse " + q->path, "<p>" + htmlEscape(b.error().message()) + "</p>");
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : (*b)["entries"]) {
      std::string type = e["type"].get<std::string>();
      std::string name = htmlEscape(e["name"].get<std::string>());
      if (type == "directory") {
        name = "<a href=\"/browse?path=" + htmlEscape(web::urlEncode(e["path"].get<std::string>())) + "\">" + name + "/</a>";
      }
      std::string cached = "";
      if (e.contains("cached_bytes")) {
        uint64_t size = e["size"].get<uint64_t>(), c = e["cached_bytes"].get<uint64_t>();
        cached = bytes(c) + (size ? " (" + percent(static_cast<double>(c) / static_cast<double>(size)) + ")" : "");
      }
      rows.push_back({name, htmlEscape(type), type == "directory" ? "" : bytes(e["size"]), cached,
                      e["persisted"].get<bool>() ? "yes" : "no"});
    }
    std::string body = web::htmlTable({"Name", "Type", "Size", "Cached", "In store"}, rows);
    if ((*b)["workers_answered"] != (*b)["workers_asked"]) {
      body += "<p>Cached figures are partial: " + cell((*b)["workers_answered"]) + " of " + cell((*b)["workers_asked"]) +
              " live workers answered in time.</p>";
    }
    if (b->contains("next_start_after")) {
      body += "<p><a href=\"/browse?path=" + htmlEscape(web::urlEncode(q->path)) +
              "&amp;start_after=" + htmlEscape(web::urlEncode((*b)["next_start_after"].get<std::string>())) +
              "&amp;limit=" + std::to_string(q->limit) + "\">Next page</a></p>";
    }
    return page(200, "Browse " + q->path, body);
  });
  w.get("/log", [](const web::Request&) {
    return web::htmlResponse(web::htmlPage("Log (last 64 KiB)", kNav, "<pre>" + htmlEscape(daemon::logTail(64 * 1024)) + "</pre>"));
  });
}

}  // namespace shoal::master
