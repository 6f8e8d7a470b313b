// A worker's own web pages: its overview (address, tiers, counters) as HTML at / and as JSON at
// /api/v1/overview, beside the daemon's /metrics, /api/v1/info and /api/v1/log. Routes are added
// once, before the web port starts.
#pragma once

#include <string>

namespace shoal::daemon {
class Daemon;
}

namespace shoal::worker {

class PageServer;
class PageStore;

// `address` is read at each request (it is known once the RPC server is bound).
void addWorkerPages(daemon::Daemon& daemon, const std::string& address, PageServer& pages, PageStore& store);

}  // namespace shoal::worker
