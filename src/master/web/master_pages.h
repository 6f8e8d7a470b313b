// The master's web UI and the JSON API behind it: overview, workers, mount table, browse (with
// how much of each file is cached), cluster metrics with the last hour's charts, configuration and
// the log's tail, served by every master (a standby says so and names the leader). Every page
// reads what the master keeps anyway (O(workers), O(mounts), O(keys)). Routes are added once,
// before the web port starts.
#pragma once

#include "common/configuration.h"

namespace shoal::daemon {
class Daemon;
}

namespace shoal::master {

class FileSystemMaster;
class Journal;
class RaftJournal;
class WorkerRegistry;
class ClusterHistory;

// Everything passed must outlive the daemon's web port. `raft` is null for a single master.
void addMasterPages(daemon::Daemon& daemon, const Configuration& conf, FileSystemMaster& fs, Journal& journal,
                    RaftJournal* raft, WorkerRegistry& workers, ClusterHistory& history);

}  // namespace shoal::master
