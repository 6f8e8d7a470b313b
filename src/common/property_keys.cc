// The one place where configuration keys are declared. Names follow Alluxio's where one exists,
// so operators can guess them. docs/config-reference.md is generated from this table
// (`shoal conf list --markdown`), and a test keeps the two identical.
#include <algorithm>

#include "common/property_key.h"

namespace shoal {
namespace {

std::vector<PropertyKey> declareKeys() {
  std::vector<PropertyKey> k = {
      {.name = keys::kLogLevel, .type = KeyType::kEnum, .default_value = "info",
       .description = "Log level of every Shoal process: trace, debug, info, warn or error.", .mutability = Mutability::kHot,
       .choices = {"trace", "debug", "info", "warn", "error"}},
      {.name = keys::kMasterHostname, .type = KeyType::kString, .default_value = "127.0.0.1",
       .description = "Host name or IP address the master binds and advertises; clients find the master "
                      "through it together with shoal.master.rpc.port."},
      {.name = keys::kMasterNetworkInterface, .type = KeyType::kString, .default_value = "",
       .description = "Network interface (e.g. eth0) whose IPv4 address the master binds and advertises instead "
                      "of shoal.master.hostname (set one of the two). Empty: use shoal.master.hostname."},
      {.name = keys::kMasterRpcPort, .type = KeyType::kInt, .default_value = "19998",
       .description = "TCP port of the master's gRPC service (0 picks a free port and prints it).",
       .min = 0, .max = 65535},
      {.name = keys::kMasterWebPort, .type = KeyType::kInt, .default_value = "19999",
       .description = "TCP port of the master's web UI, JSON API (/api/v1/) and Prometheus /metrics; 0 picks a "
                      "free port (logged), -1 serves none. No authentication yet: bind it to a trusted network.",
       .min = -1, .max = 65535},
      {.name = keys::kMasterWebBindHost, .type = KeyType::kString, .default_value = "",
       .description = "Address the master's web port binds to; empty means shoal.master.hostname."},
      {.name = keys::kMasterMetricsHistoryInterval, .type = KeyType::kDuration, .default_value = "10s",
       .description = "How often the leading master samples the cluster's figures for the web UI's charts; "
                      "it keeps 360 samples (an hour at the default).",
       .min = 100},
      {.name = keys::kMasterJournalFolder, .type = KeyType::kString, .default_value = "/tmp/shoal/journal",
       .description = "Directory of the master's journal: append-only log segments and checkpoints. "
                      "Every acknowledged namespace change is in it before the client hears back."},
      {.name = keys::kMasterJournalSubmitTimeout, .type = KeyType::kDuration, .default_value = "30s",
       .description = "How long a change waits to be made durable by the journal (a stalled disk, no quorum) "
                      "before its caller is told DeadlineExceeded: the change may or may not be applied, and a "
                      "retry with the same request id is applied at most once.", .min = 1},
      {.name = keys::kMasterJournalCheckpointPeriodEntries, .type = KeyType::kInt, .default_value = "200000",
       .description = "Journal entries after which the master writes a checkpoint of the namespace and "
                      "starts a new log segment, bounding replay time at start-up.",
       .min = 1, .max = 1'000'000'000},
      {.name = keys::kMasterMetastore, .type = KeyType::kEnum, .default_value = "heap",
       .description = "Where the master keeps inodes: heap (compact in-memory table).", .choices = {"heap"}},
      {.name = keys::kMasterClusterId, .type = KeyType::kInt, .default_value = "1",
       .description = "Id of this master group, stored in the top 16 bits of every inode id so that "
                      "federated groups never hand out the same id.",
       .min = 1, .max = 65535},
      {.name = keys::kMasterRpcThreads, .type = KeyType::kInt, .default_value = "8",
       .description = "Threads serving master RPCs.", .min = 1, .max = 1024},
      {.name = keys::kMasterRootUfs, .type = KeyType::kString, .default_value = "",
       .description = "Under-store URI mounted at / when the master starts with an empty journal "
                      "(for example file:///data). Empty: / is a Shoal-only directory."},
      {.name = keys::kMasterListMaxPage, .type = KeyType::kInt, .default_value = "10000",
       .description = "Largest number of entries the master returns in one ListStatus page.",
       .min = 1, .max = 1'000'000},
      {.name = keys::kMasterWorkerTimeout, .type = KeyType::kDuration, .default_value = "10s",
       .description = "A worker whose last heartbeat is older than this is lost: clients stop sending it reads.",
       .min = 100},
      {.name = keys::kMasterRpcAddresses, .type = KeyType::kHostPortList, .default_value = "",
       .description = "RPC addresses (host:port) of every master of a Raft group, for clients, workers and the "
                      "CLI. Calls go to the leader: a follower answers with the leader's address and the caller "
                      "follows it, retrying across a leader change. Empty: the one master at "
                      "shoal.master.hostname:shoal.master.rpc.port."},
      {.name = keys::kMasterJournalAddresses, .type = KeyType::kHostPortList, .default_value = "",
       .description = "Raft addresses (host:port) of every master of the group, the same list on each. When set, "
                      "the masters replicate the journal with Raft (libraft) and one of them leads; each master's "
                      "own address is shoal.master.hostname:shoal.master.embedded.journal.port and must be in "
                      "the list. Empty: one master with a local journal."},
      {.name = keys::kMasterJournalPort, .type = KeyType::kInt, .default_value = "19200",
       .description = "TCP port of this master's Raft journal (see shoal.master.embedded.journal.addresses).",
       .min = 1, .max = 65535},
      {.name = keys::kMasterJournalElectionTimeout, .type = KeyType::kDuration, .default_value = "500ms",
       .description = "A follower that hears nothing from the leader for this long (randomized up to twice it) "
                      "starts an election, with pre-vote. It bounds failover time; shorter values flap on a "
                      "loaded machine.",
       .min = 100, .max = 60000},
      {.name = keys::kMasterJournalHeartbeatInterval, .type = KeyType::kDuration, .default_value = "50ms",
       .description = "How often the Raft leader heartbeats its followers; keep it well under the election "
                      "timeout.",
       .min = 10, .max = 10000},
      {.name = keys::kWorkerHostname, .type = KeyType::kString, .default_value = "127.0.0.1",
       .description = "Host name or IP address the worker binds and advertises to clients (IP or host name, "
                      "as long as clients can reach it)."},
      {.name = keys::kWorkerNetworkInterface, .type = KeyType::kString, .default_value = "",
       .description = "Network interface (e.g. eth0) whose IPv4 address the worker binds and advertises instead "
                      "of shoal.worker.hostname (set one of the two). Empty: use shoal.worker.hostname."},
      {.name = keys::kWorkerRpcPort, .type = KeyType::kInt, .default_value = "29999",
       .description = "TCP port of the worker's gRPC data service (0 picks a free port).", .min = 0, .max = 65535},
      {.name = keys::kWorkerWebPort, .type = KeyType::kInt, .default_value = "30000",
       .description = "TCP port of the worker's web pages, JSON API (/api/v1/) and Prometheus /metrics; 0 picks a "
                      "free port (logged), -1 serves none. No authentication yet.",
       .min = -1, .max = 65535},
      {.name = keys::kWorkerWebBindHost, .type = KeyType::kString, .default_value = "",
       .description = "Address the worker's web port binds to; empty means shoal.worker.hostname."},
      {.name = keys::kWorkerPageSize, .type = KeyType::kBytes, .default_value = "1MB",
       .description = "Cache unit: a read of a cold file fetches only the pages it touches from the store.",
       .min = 4096, .max = 64 << 20},
      {.name = keys::kWorkerTierMemDir, .type = KeyType::kString, .default_value = "/dev/shm/shoal-worker",
       .description = "Directory of the MEM tier (a tmpfs). Page files live here so they can be handed to "
                      "clients on the same host by file descriptor."},
      {.name = keys::kWorkerTierMemCapacity, .type = KeyType::kBytes, .default_value = "1GB",
       .description = "Bytes the MEM tier may hold."},
      {.name = keys::kWorkerTierSsdDirs, .type = KeyType::kString, .default_value = "",
       .description = "Comma-separated directories of the SSD tier (empty: no SSD tier). Pages found there at "
                      "start-up are kept and verified by checksum before they are served."},
      {.name = keys::kWorkerTierSsdCapacity, .type = KeyType::kBytes, .default_value = "10GB",
       .description = "Bytes each SSD tier directory may hold."},
      {.name = keys::kWorkerHeartbeatInterval, .type = KeyType::kDuration, .default_value = "1s",
       .description = "How often a worker heartbeats to the master (and re-registers when the master asks).",
       .min = 10},
      {.name = keys::kWorkerDomainSocketDir, .type = KeyType::kString, .default_value = "/tmp/shoal-domain",
       .description = "Directory of the worker's Unix socket (worker-<rpc port>.sock) through which clients on the "
                      "same host receive cached page files by descriptor (short-circuit). Empty disables it."},
      {.name = keys::kUserShortCircuitEnabled, .type = KeyType::kBool, .default_value = "true",
       .description = "Read cached pages of a worker on this host straight from its page files (passed over its "
                      "Unix socket) instead of streaming them over gRPC."},
      {.name = keys::kWorkerRpcThreads, .type = KeyType::kInt, .default_value = "16",
       .description = "Threads serving worker RPCs.", .min = 1, .max = 1024},
      {.name = keys::kUserMetadataSyncInterval, .type = KeyType::kDuration, .default_value = "-1",
       .description = "How old cached under-store metadata may be before an access re-reads it from the "
                      "store: -1 never after the first load, 0 on every access, or a duration (10min).", .mutability = Mutability::kHot,
       .min = 0, .allow_never = true, .per_path = true},
      {.name = keys::kUserHeartbeatInterval, .type = KeyType::kDuration, .default_value = "5s",
       .description = "How often a long-lived client (a FUSE daemon) sends the leading master its cumulative "
                      "counters (bytes read by source, metadata-cache hits and misses, failovers), which the "
                      "master sums as shoal_cluster_client_*.",
       .min = 100},
      {.name = keys::kUserRpcTimeout, .type = KeyType::kDuration, .default_value = "30s",
       .description = "Deadline of one client RPC to the master.", .min = 1},
      {.name = keys::kUserWorkerListRefreshInterval, .type = KeyType::kDuration, .default_value = "10s",
       .description = "How long a client uses its list of live workers before asking the master again (it also "
                      "asks at once after a worker fails).", .min = 0},
      {.name = keys::kUserListPageSize, .type = KeyType::kInt, .default_value = "1000",
       .description = "Entries a client asks for per ListStatus page.", .min = 1, .max = 1'000'000},
      {.name = keys::kMasterWriteLease, .type = KeyType::kDuration, .default_value = "1h",
       .description = "A file still being written this long after its creation counts as abandoned (its writer "
                      "died): creating the same path again replaces it. Until then the path is busy.", .min = 1},
      {.name = keys::kUserFileWriteTypeDefault, .type = KeyType::kEnum, .default_value = "CACHE_THROUGH",
       .description = "Where written data goes: MUST_CACHE (worker caches only; lost if evicted), CACHE_THROUGH "
                      "(the under-store and the cache) or THROUGH (the under-store only). Files outside any mount "
                      "can only be MUST_CACHE.", .mutability = Mutability::kHot, .choices = {"MUST_CACHE", "CACHE_THROUGH", "THROUGH"}, .per_path = true},
      {.name = keys::kUserMetadataCacheMaxSize, .type = KeyType::kInt, .default_value = "100000",
       .description = "Paths whose status a client keeps in memory (least recently used go first); 0 disables "
                      "the metadata cache.", .mutability = Mutability::kHot, .min = 0, .max = 100'000'000},
      {.name = keys::kUserMetadataCacheExpiration, .type = KeyType::kDuration, .default_value = "1s",
       .description = "How long a client trusts a cached path status before asking the master again. A client's "
                      "own changes drop the affected entries at once; 0 disables the cache.", .mutability = Mutability::kHot,
       .min = 0},
      {.name = keys::kUserFileReadAheadPages, .type = KeyType::kInt, .default_value = "8",
       .description = "Pages a client asks the workers to cache ahead of a sequential reader (0: no read-ahead).", .mutability = Mutability::kHot,
       .min = 0, .max = 4096, .per_path = true},
      {.name = keys::kUserFileStagingDir, .type = KeyType::kString, .default_value = "/tmp/shoal-staging",
       .description = "Local directory where a FUSE mount keeps the data of files open for writing until they are "
                      "published (at flush, fsync or close). Files here are unlinked at once: nothing is left "
                      "behind by a crash."},
      {.name = keys::kUserFileStagingCapacity, .type = KeyType::kBytes, .default_value = "10GiB",
       .description = "Bytes of staged (unpublished) file data a FUSE mount may hold at once; a write beyond it "
                      "fails with ENOSPC until open files are closed.", .min = 1},
      {.name = keys::kUserFilePassiveCacheEnabled, .type = KeyType::kBool, .default_value = "false",
       .description = "Also cache pages read from a worker on another host in the worker on this client's host, "
                      "so later reads here are local (costs cache space on every host that reads).", .mutability = Mutability::kHot, .per_path = true},
      {.name = keys::kUserHostname, .type = KeyType::kString, .default_value = "",
       .description = "This client's host as workers advertise theirs (shoal.worker.hostname): a worker with this "
                      "host is local (short-circuit reads, passive caching). Empty: 127.0.0.1, localhost and "
                      "the machine's host name count as local."},
      {.name = keys::kWorkerDataPort, .type = KeyType::kInt, .default_value = "29998",
       .description = "TCP port where the worker streams cached pages with sendfile() (see shoal.user.data.transport; "
                      "0 picks a free port).", .min = 0, .max = 65535},
      {.name = keys::kWorkerMaxConnections, .type = KeyType::kInt, .default_value = "1024",
       .description = "Connections the worker's data port, and separately its short-circuit socket, serve at "
                      "once (a thread each); one more is answered Unavailable and closed.", .min = 1,
       .max = 65536},
      {.name = keys::kUserDataTransport, .type = KeyType::kEnum, .default_value = "tcp",
       .description = "How a client streams pages from a worker on another host: tcp (the worker's data port, "
                      "sendfile, the fastest) or grpc (a ReadPages stream on the RPC port).",
       .choices = {"tcp", "grpc"}},
      {.name = keys::kUserDataConnectTimeout, .type = KeyType::kDuration, .default_value = "1s",
       .description = "How long a client waits for a worker's data port to accept a connection before it counts "
                      "the worker as unreachable and reads elsewhere (a host that is down then costs about this, "
                      "not the kernel's two-minute SYN retries).", .min = 1},
      {.name = keys::kFuseEntryTimeout, .type = KeyType::kDuration, .default_value = "60s",
       .description = "How long the kernel trusts a name it looked up through the FUSE mount. Read-mostly "
                      "trees can use hours (the production case ran 7200s); `ls .shoal/metadatacache/drop` "
                      "forgets them at once.", .mutability = Mutability::kHot, .min = 0},
      {.name = keys::kFuseAttrTimeout, .type = KeyType::kDuration, .default_value = "60s",
       .description = "How long the kernel trusts file attributes (size, mtime) it got through the FUSE mount.", .mutability = Mutability::kHot,
       .min = 0},
      {.name = keys::kFuseKeepCache, .type = KeyType::kBool, .default_value = "true",
       .description = "Keep the kernel's cached pages of a file across opens while its size and mtime are "
                      "unchanged (a changed file always drops them)."},
      {.name = keys::kFuseShellPrefix, .type = KeyType::kString, .default_value = "/.shoal",
       .description = "Reserved name in the mount root answered by the FUSE daemon itself (metadata cache "
                      "control: metadatacache/drop, metadatacache/size). A store entry of that name is "
                      "reported in the log, not silently hidden."},
      {.name = keys::kFuseMaxReadahead, .type = KeyType::kBytes, .default_value = "1MB",
       .description = "Kernel read-ahead for files read through the FUSE mount.", .max = 64 << 20},
      {.name = keys::kProxyPort, .type = KeyType::kInt, .default_value = "39999",
       .description = "TCP port of the S3 gateway (`shoal proxy`); 0 picks a free port (printed).", .min = 0,
       .max = 65535},
      {.name = keys::kProxyBindHost, .type = KeyType::kString, .default_value = "0.0.0.0",
       .description = "Address the S3 gateway binds to."},
      {.name = keys::kProxyThreads, .type = KeyType::kInt, .default_value = "32",
       .description = "Requests the S3 gateway serves at once (more wait, in a bounded queue, then at accept).",
       .min = 1, .max = 1024},
      {.name = keys::kProxyDomain, .type = KeyType::kString, .default_value = "",
       .description = "Virtual-host style: a request to Host <bucket>.<domain> names the bucket in its Host. "
                      "Empty: path style (/bucket/key) only."},
      {.name = keys::kProxyKeysFile, .type = KeyType::kString, .default_value = "",
       .description = "File of the S3 gateway's access keys, one `ACCESS_KEY SECRET_KEY` per line ('#' starts a "
                      "comment); readable by its owner only (chmod 600), read at start. Empty: the keys the master "
                      "keeps (`shoal fsadmin s3 key add`), a removed one refused within 10 s. Every request must be "
                      "signed with one (Signature V4)."},
      {.name = keys::kProxyMultipartExpiry, .type = KeyType::kDuration, .default_value = "7d",
       .description = "A multipart upload neither completed nor aborted this long after it began is removed, "
                      "parts and all (checked every tenth of the expiry, at most hourly).", .min = 1000},
      {.name = keys::kProxyWebPort, .type = KeyType::kInt, .default_value = "-1",
       .description = "TCP port of the S3 gateway's Prometheus /metrics and JSON API; -1 (the default) serves "
                      "none, 0 picks a free port.", .min = -1, .max = 65535},
      {.name = keys::kProxyWebBindHost, .type = KeyType::kString, .default_value = "127.0.0.1",
       .description = "Address the S3 gateway's web port binds to."},
      {.name = keys::kProxyEtagMd5, .type = KeyType::kBool, .default_value = "false",
       .description = "The ETag of a file written through FUSE, the CLI or the store (not by an S3 PUT) is its MD5, "
                      "computed by reading the file once per version and recorded in its xattrs (HEAD, GET and "
                      "listings pay that read the first time). false: an ETag of its id, mtime and size with a '-' "
                      "in it, which SDKs do not take for an MD5."},
      {.name = keys::kWorkerS3Enabled, .type = KeyType::kBool, .default_value = "false",
       .description = "Serve the S3 API from the worker process too (as `shoal proxy` does, with its shoal.proxy.* "
                      "keys for access keys, threads, domain and multipart expiry), so a client can send a request "
                      "to the worker that holds the data: its cached pages are read through the short-circuit "
                      "socket instead of a network hop."},
      {.name = keys::kWorkerS3Port, .type = KeyType::kInt, .default_value = "39998",
       .description = "TCP port of a worker's S3 endpoint (shoal.worker.s3.enabled); 0 picks a free port (logged).",
       .min = 0, .max = 65535},
      {.name = keys::kWorkerS3BindHost, .type = KeyType::kString, .default_value = "0.0.0.0",
       .description = "Address a worker's S3 endpoint binds to."},
      {.name = keys::kFuseWebPort, .type = KeyType::kInt, .default_value = "-1",
       .description = "TCP port of a FUSE daemon's Prometheus /metrics and JSON API; -1 (the default) serves "
                      "none, 0 picks a free port (logged).", .min = -1, .max = 65535},
      {.name = keys::kFuseWebBindHost, .type = KeyType::kString, .default_value = "127.0.0.1",
       .description = "Address a FUSE daemon's web port binds to."},
      {.name = keys::kFuseMetricsEnabled, .type = KeyType::kBool, .default_value = "true",
       .description = "Count and time every FUSE operation (shoal_fuse_ops_total, shoal_fuse_op_latency_seconds, "
                      "shoal_fuse_errors_total). Off only to measure what the counting costs (make bench)."},
      {.name = keys::kAuditEnabled, .type = KeyType::kBool, .default_value = "false",
       .description = "Write an audit record for every namespace operation at the master and every FUSE operation "
                      "that changes something (time, front door, op, paths, result, user, groups, client, request id, "
                      "latency). Request threads only queue the record; one writer thread formats and writes.",
       .mutability = Mutability::kHot},
      {.name = keys::kAuditDir, .type = KeyType::kString, .default_value = "",
       .description = "Directory of the audit files, <daemon>.audit.log; empty: beside the daemon's log file "
                      "(shoal.log.dir)."},
      {.name = keys::kAuditFormat, .type = KeyType::kEnum, .default_value = "json",
       .description = "Audit record format: json (one object per line) or hdfs (HDFS's tab-separated "
                      "allowed=/ugi=/ip=/cmd=/src=/dst= fields, for existing parsers).",
       .choices = {"json", "hdfs"}},
      {.name = keys::kAuditQueueSize, .type = KeyType::kInt, .default_value = "16384",
       .description = "Records the audit queue holds between the request threads and the writer (rounded up to a "
                      "power of two).", .min = 16, .max = 1 << 22},
      {.name = keys::kAuditQueuePolicy, .type = KeyType::kEnum, .default_value = "drop",
       .description = "When the audit queue is full: drop (count the record, later write a gap record saying how "
                      "many were dropped between which times; requests never wait) or block (the request waits "
                      "for room; no record is lost).", .choices = {"drop", "block"}},
      {.name = keys::kAuditMaxSize, .type = KeyType::kBytes, .default_value = "256MB",
       .description = "Size at which an audit file is rotated (renamed to .1, .2, ...).", .min = 1 << 20},
      {.name = keys::kAuditMaxFiles, .type = KeyType::kInt, .default_value = "10",
       .description = "Rotated audit files kept.", .min = 1, .max = 1000},
      {.name = keys::kAuditFilterOps, .type = KeyType::kString, .default_value = "",
       .description = "Comma-separated ops to audit (mkdir,rename,...; the names in the records); empty: all.",
       .mutability = Mutability::kHot},
      {.name = keys::kAuditFilterPaths, .type = KeyType::kString, .default_value = "",
       .description = "Comma-separated path prefixes to audit; empty: all paths.", .mutability = Mutability::kHot},
      {.name = keys::kLogDir, .type = KeyType::kString, .default_value = "/tmp/shoal/logs",
       .description = "Directory where every daemon (master, worker, FUSE mount, also in the background) writes "
                      "its log file, <role>-<port or mount>.log; empty logs to stderr only."},
      {.name = keys::kLogMaxSize, .type = KeyType::kBytes, .default_value = "64MB",
       .description = "Size at which a daemon's log file is rotated (renamed to .1, .2, ...).",
       .min = 64 * 1024, .max = int64_t{1} << 40},
      {.name = keys::kLogMaxFiles, .type = KeyType::kInt, .default_value = "5",
       .description = "Rotated log files kept beside the current one; older ones are deleted.", .min = 1, .max = 1000},
      {.name = keys::kFuseThreads, .type = KeyType::kInt, .default_value = "16",
       .description = "Most threads serving FUSE requests at once.", .min = 1, .max = 1024},
  };
  std::sort(k.begin(), k.end(), [](const PropertyKey& a, const PropertyKey& b) { return a.name < b.name; });
  return k;
}

}  // namespace

std::span<const PropertyKey> allPropertyKeys() {
  static const std::vector<PropertyKey> kKeys = declareKeys();
  return kKeys;
}

}  // namespace shoal
