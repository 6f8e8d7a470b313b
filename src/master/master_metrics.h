// The master's own metrics beside the RPC and store metrics the daemon skeleton declares: the
// namespace (inodes, mounts), the journal (sequence, Raft term, indexes, role) and the workers
// (live, lost, capacity, use). Every value is read from state the master keeps anyway, in O(1) or
// O(workers), never by walking inodes. Declared once at start-up.
#pragma once

#include "common/metrics/registry.h"

namespace shoal::master {

class FileSystemMaster;
class Journal;
class RaftJournal;
class WorkerRegistry;
class ClientRegistry;

// All must outlive the registry's last collection. `raft` is null for a single master.
void declareMasterMetrics(metrics::Registry& registry, FileSystemMaster& fs, Journal& journal, RaftJournal* raft,
                          WorkerRegistry& workers, ClientRegistry& clients);

}  // namespace shoal::master
