// The declaration of configuration keys: each key is declared exactly once (property_keys.cc) with
// its type, default, unit, description, mutability and bounds. Immutable after start; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace shoal {

enum class KeyType { kString, kInt, kBool, kBytes, kDuration, kEnum, kHostPortList };

// When a change of the key takes effect. A static key is read once at start-up: changing it needs a
// restart, and the cluster configuration (`shoal conf set`) refuses it. A hot key is applied by a
// running process within a second of `conf set`; a key becomes hot only together with the code that
// applies it at run time, and the test that shows it.
enum class Mutability { kStatic, kHot };

struct PropertyKey {
  std::string_view name;
  KeyType type;
  std::string_view default_value;
  std::string_view description;
  Mutability mutability = Mutability::kStatic;
  std::optional<int64_t> min = std::nullopt;  // numeric bounds (ints, bytes, durations in ms)
  std::optional<int64_t> max = std::nullopt;
  std::vector<std::string_view> choices = {};  // kEnum: allowed values
  bool allow_never = false;  // kDuration: "-1" means never
  // A client key that `shoal conf set --path PREFIX` may set for the paths under a prefix (hot keys only).
  bool per_path = false;
};

const char* keyTypeName(KeyType type);
// "static" or "hot".
const char* mutabilityName(Mutability m);
// Every declared key, sorted by name.
std::span<const PropertyKey> allPropertyKeys();
const PropertyKey* findPropertyKey(std::string_view name);
// Checks a raw value against the key's type and bounds; the error names the key and the cause.
Status validatePropertyValue(const PropertyKey& key, std::string_view value);

// Key names, so code never spells a key as a string literal twice.
namespace keys {
inline constexpr std::string_view kLogLevel = "shoal.log.level";
inline constexpr std::string_view kLogDir = "shoal.log.dir";
inline constexpr std::string_view kLogMaxSize = "shoal.log.max.size";
inline constexpr std::string_view kLogMaxFiles = "shoal.log.max.files";
inline constexpr std::string_view kAuditEnabled = "shoal.audit.enabled";
inline constexpr std::string_view kAuditDir = "shoal.audit.dir";
inline constexpr std::string_view kAuditFormat = "shoal.audit.format";
inline constexpr std::string_view kAuditQueueSize = "shoal.audit.queue.size";
inline constexpr std::string_view kAuditQueuePolicy = "shoal.audit.queue.policy";
inline constexpr std::string_view kAuditMaxSize = "shoal.audit.max.size";
inline constexpr std::string_view kAuditMaxFiles = "shoal.audit.max.files";
inline constexpr std::string_view kAuditFilterOps = "shoal.audit.filter.ops";
inline constexpr std::string_view kAuditFilterPaths = "shoal.audit.filter.paths";
inline constexpr std::string_view kMasterWebBindHost = "shoal.master.web.bind.host";
inline constexpr std::string_view kWorkerWebBindHost = "shoal.worker.web.bind.host";
inline constexpr std::string_view kFuseWebPort = "shoal.fuse.web.port";
inline constexpr std::string_view kFuseMetricsEnabled = "shoal.fuse.metrics.enabled";
inline constexpr std::string_view kFuseWebBindHost = "shoal.fuse.web.bind.host";
inline constexpr std::string_view kProxyPort = "shoal.proxy.port";
inline constexpr std::string_view kProxyBindHost = "shoal.proxy.bind.host";
inline constexpr std::string_view kProxyThreads = "shoal.proxy.threads";
inline constexpr std::string_view kProxyDomain = "shoal.proxy.domain";
inline constexpr std::string_view kProxyKeysFile = "shoal.proxy.s3.keys.file";
inline constexpr std::string_view kProxyWebPort = "shoal.proxy.web.port";
inline constexpr std::string_view kProxyMultipartExpiry = "shoal.proxy.multipart.expiry";
inline constexpr std::string_view kProxyWebBindHost = "shoal.proxy.web.bind.host";
inline constexpr std::string_view kProxyEtagMd5 = "shoal.proxy.etag.md5";
inline constexpr std::string_view kWorkerS3Enabled = "shoal.worker.s3.enabled";
inline constexpr std::string_view kWorkerS3Port = "shoal.worker.s3.port";
inline constexpr std::string_view kWorkerS3BindHost = "shoal.worker.s3.bind.host";
inline constexpr std::string_view kMasterHostname = "shoal.master.hostname";
inline constexpr std::string_view kMasterNetworkInterface = "shoal.master.network.interface";
inline constexpr std::string_view kMasterRpcPort = "shoal.master.rpc.port";
inline constexpr std::string_view kMasterWebPort = "shoal.master.web.port";
inline constexpr std::string_view kMasterJournalFolder = "shoal.master.journal.folder";
inline constexpr std::string_view kMasterJournalCheckpointPeriodEntries = "shoal.master.journal.checkpoint.period.entries";
inline constexpr std::string_view kMasterJournalSubmitTimeout = "shoal.master.journal.submit.timeout";
inline constexpr std::string_view kMasterMetastore = "shoal.master.metastore";
inline constexpr std::string_view kMasterClusterId = "shoal.master.cluster.id";
inline constexpr std::string_view kMasterRpcThreads = "shoal.master.rpc.executor.threads";
inline constexpr std::string_view kMasterRootUfs = "shoal.master.mount.table.root.ufs";
inline constexpr std::string_view kMasterListMaxPage = "shoal.master.list.status.max.page.size";
inline constexpr std::string_view kMasterWorkerTimeout = "shoal.master.worker.timeout";
inline constexpr std::string_view kMasterMetricsHistoryInterval = "shoal.master.metrics.history.interval";
inline constexpr std::string_view kMasterRpcAddresses = "shoal.master.rpc.addresses";
inline constexpr std::string_view kMasterJournalAddresses = "shoal.master.embedded.journal.addresses";
inline constexpr std::string_view kMasterJournalPort = "shoal.master.embedded.journal.port";
inline constexpr std::string_view kMasterJournalElectionTimeout = "shoal.master.embedded.journal.election.timeout";
inline constexpr std::string_view kMasterJournalHeartbeatInterval = "shoal.master.embedded.journal.heartbeat.interval";
inline constexpr std::string_view kWorkerHostname = "shoal.worker.hostname";
inline constexpr std::string_view kWorkerNetworkInterface = "shoal.worker.network.interface";
inline constexpr std::string_view kWorkerRpcPort = "shoal.worker.rpc.port";
inline constexpr std::string_view kWorkerWebPort = "shoal.worker.web.port";
inline constexpr std::string_view kWorkerPageSize = "shoal.worker.page.size";
inline constexpr std::string_view kWorkerTierMemDir = "shoal.worker.tier.mem.dir";
inline constexpr std::string_view kWorkerTierMemCapacity = "shoal.worker.tier.mem.capacity";
inline constexpr std::string_view kWorkerTierSsdDirs = "shoal.worker.tier.ssd.dirs";
inline constexpr std::string_view kWorkerTierSsdCapacity = "shoal.worker.tier.ssd.capacity";
inline constexpr std::string_view kWorkerHeartbeatInterval = "shoal.worker.heartbeat.interval";
inline constexpr std::string_view kWorkerDomainSocketDir = "shoal.worker.domain.socket.dir";
inline constexpr std::string_view kUserShortCircuitEnabled = "shoal.user.short.circuit.enabled";
inline constexpr std::string_view kWorkerRpcThreads = "shoal.worker.rpc.executor.threads";
inline constexpr std::string_view kUserMetadataSyncInterval = "shoal.user.file.metadata.sync.interval";
inline constexpr std::string_view kUserRpcTimeout = "shoal.user.rpc.timeout";
inline constexpr std::string_view kUserHeartbeatInterval = "shoal.user.heartbeat.interval";
inline constexpr std::string_view kUserWorkerListRefreshInterval = "shoal.user.worker.list.refresh.interval";
inline constexpr std::string_view kUserListPageSize = "shoal.user.list.status.page.size";
inline constexpr std::string_view kMasterWriteLease = "shoal.master.file.write.lease";
inline constexpr std::string_view kUserFileWriteTypeDefault = "shoal.user.file.writetype.default";
inline constexpr std::string_view kUserMetadataCacheMaxSize = "shoal.user.metadata.cache.max.size";
inline constexpr std::string_view kUserMetadataCacheExpiration = "shoal.user.metadata.cache.expiration";
inline constexpr std::string_view kUserFileReadAheadPages = "shoal.user.file.readahead.pages";
inline constexpr std::string_view kUserFileStagingDir = "shoal.user.file.staging.dir";
inline constexpr std::string_view kUserFileStagingCapacity = "shoal.user.file.staging.capacity";
inline constexpr std::string_view kUserFilePassiveCacheEnabled = "shoal.user.file.passive.cache.enabled";
inline constexpr std::string_view kUserHostname = "shoal.user.hostname";
inline constexpr std::string_view kWorkerDataPort = "shoal.worker.data.port";
inline constexpr std::string_view kWorkerMaxConnections = "shoal.worker.max.connections";
inline constexpr std::string_view kUserDataTransport = "shoal.user.data.transport";
inline constexpr std::string_view kUserDataConnectTimeout = "shoal.user.data.connect.timeout";
inline constexpr std::string_view kFuseEntryTimeout = "shoal.fuse.entry.timeout";
inline constexpr std::string_view kFuseAttrTimeout = "shoal.fuse.attr.timeout";
inline constexpr std::string_view kFuseKeepCache = "shoal.fuse.keep.cache";
inline constexpr std::string_view kFuseShellPrefix = "shoal.fuse.shell.prefix";
inline constexpr std::string_view kFuseMaxReadahead = "shoal.fuse.max.readahead";
inline constexpr std::string_view kFuseThreads = "shoal.fuse.threads";
}  // namespace keys

}  // namespace shoal
