// Depth-first walk of a Shoal tree through paged ListStatus calls (one call per directory page,
// never one per file). Entries come in name order; each directory's entries are visited before the
// walk descends into the next directory.
#pragma once

#include <functional>

#include "stubs/master_client.h"

namespace shoal::cli {

// Visits every entry below `dir` (not `dir` itself).
Status walkTree(stubs::MasterClient& master, const std::string& dir,
                const std::function<void(const proto::FileInfo&)>& visit);

}  // namespace shoal::cli
