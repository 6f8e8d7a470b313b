#include "master/web/master_pages.h"

#include <chrono>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/units.h"
#include "daemon/daemon.h"
#include "master/fs/file_system_master.h"
#include "master/journal/raft_journal.h"
#include "master/workers/worker_registry.h"
#include "shoal_version.h"
#include "web/html.h"

namespace shoal::master {
namespace {

using nlohmann::json;
using web::htmlEscape;

const std::vector<std::pair<std::string, std::string>> kNav = {
    {"/", "Overview"}, {"/workers", "Workers"}, {"/mounts", "Mounts"},
    {"/config", "Configuration"}, {"/log", "Log"}, {"/threads", "Threads"}, {"/metrics", "Metrics (Prometheus)"}};

struct Pages {
  daemon::Daemon& daemon;
  const Configuration& conf;
  FileSystemMaster& fs;
  Journal& journal;
  RaftJournal* raft;
  WorkerRegistry& workers;

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
    uint64_t live = 0, lost = 0, capacity = 0, used = 0;
    for (const auto& w : workers.workers(true, now)) {
      (w.live() ? live : lost)++;
      if (!w.live()) continue;
      for (const auto& t : w.tiers()) {
        capacity += t.capacity();
        used += t.used();
      }
    }
    j["workers"] = {{"live", live}, {"lost", lost}};
    j["cache"] = {{"capacity_bytes", capacity}, {"used_bytes", used}};
    return j;
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

}  // namespace

void addMasterPages(daemon::Daemon& d, const Configuration& conf, FileSystemMaster& fs, Journal& journal,
                    RaftJournal* raft, WorkerRegistry& workers) {
  auto p = std::make_shared<Pages>(Pages{d, conf, fs, journal, raft, workers});
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
    std::vector<std::vector<std::string>> rows;
    for (const auto& k : allPropertyKeys()) {
      rows.push_back({htmlEscape(k.name), htmlEscape(p->conf.getString(k.name)),
                      htmlEscape(valueSourceName(p->conf.sourceOf(k.name)))});
    }
    return web::htmlResponse(web::htmlPage("Configuration", kNav, web::htmlTable({"Key", "Value", "Source"}, rows)));
  });
  w.get("/log", [](const web::Request&) {
    return web::htmlResponse(web::htmlPage("Log (last 64 KiB)", kNav, "<pre>" + htmlEscape(daemon::logTail(64 * 1024)) + "</pre>"));
  });
}

}  // namespace shoal::master
