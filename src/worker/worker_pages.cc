#include "worker/worker_pages.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/units.h"
#include "daemon/daemon.h"
#include "shoal_version.h"
#include "web/html.h"
#include "worker/page_server.h"
#include "worker/worker_metrics.h"
#include "worker/pagestore/page_store.h"

namespace shoal::worker {

void addWorkerPages(daemon::Daemon& d, const std::string& address, PageServer& pages, PageStore& store) {
  const std::vector<std::pair<std::string, std::string>> nav = {
      {"/", "Overview"}, {"/threads", "Threads"}, {"/metrics", "Metrics (Prometheus)"}};
  d.setNav(nav);
  auto overview = [&address, &pages, &store] {
    proto::WorkerCounters c = counterSnapshot(pages, store);
    nlohmann::json tiers = nlohmann::json::array();
    for (const auto& t : store.stats()) {
      tiers.push_back({{"name", t.name}, {"dir", t.dir}, {"capacity_bytes", t.capacity}, {"used_bytes", t.used},
                       {"pages", t.pages}});
    }
    return nlohmann::json{{"address", address},
                          {"version", kShoalVersion},
                          {"tiers", tiers},
                          {"cache_hits", c.cache_hits()},
                          {"cache_misses", c.cache_misses()},
                          {"store_read_bytes", c.store_read_bytes()},
                          {"pinned_files", store.pinnedFiles()},
                          {"evictions", c.evictions()}};
  };
  d.web().get("/api/v1/overview", [overview](const web::Request&) { return web::jsonResponse(overview().dump(2) + "\n"); });
  d.web().get("/", [overview, nav](const web::Request&) {
    auto o = overview();
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : o["tiers"]) {
      rows.push_back({web::htmlEscape(t["name"].get<std::string>()), web::htmlEscape(t["dir"].get<std::string>()),
                      web::htmlEscape(humanBytes(t["used_bytes"].get<uint64_t>())),
                      web::htmlEscape(humanBytes(t["capacity_bytes"].get<uint64_t>())),
                      web::htmlEscape(std::to_string(t["pages"].get<uint64_t>()))});
    }
    std::string body = "<p>Worker " + web::htmlEscape(o["address"].get<std::string>()) + ", version " +
                       web::htmlEscape(o["version"].get<std::string>()) + "</p>" +
                       web::htmlTable({"Tier", "Directory", "Used", "Capacity", "Pages"}, rows) +
                       fmt::format("<p>Cache hits {}, misses {}; pinned files {}; evictions {}</p>",
                                   o["cache_hits"].get<uint64_t>(), o["cache_misses"].get<uint64_t>(),
                                   o["pinned_files"].get<uint64_t>(), o["evictions"].get<uint64_t>());
    return web::htmlResponse(web::htmlPage("Shoal worker", nav, body));
  });
}

}  // namespace shoal::worker
