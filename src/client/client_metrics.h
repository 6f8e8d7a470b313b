// The client library's metrics, exported by the process that hosts it (a FUSE daemon, later the
// S3 gateway): bytes read by source, metadata-cache hits and misses, master retries and
// failovers, worker failovers and store fallbacks. Every value is a counter the client keeps
// anyway, read at scrape time.
#pragma once

#include "common/metrics/registry.h"

namespace shoal::stubs {
class MasterClient;
}  // namespace shoal::stubs

namespace shoal::client {

class FileReader;

// Both must outlive the registry's last collection.
void declareClientMetrics(metrics::Registry& registry, const stubs::MasterClient& master, const FileReader& reader);

}  // namespace shoal::client
