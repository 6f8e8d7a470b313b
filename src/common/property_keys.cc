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
       .description = "Log level of every Shoal process: trace, debug, info, warn or error.",
       .dynamic = true, .choices = {"trace", "debug", "info", "warn", "error"}},
      {.name = keys::kMasterHostname, .type = KeyType::kString, .default_value = "127.0.0.1",
       .description = "Host name or IP address the master binds and advertises; clients find the master "
                      "through it together with shoal.master.rpc.port."},
      {.name = keys::kMasterRpcPort, .type = KeyType::kInt, .default_value = "19998",
       .description = "TCP port of the master's gRPC service (0 picks a free port and prints it).",
       .min = 0, .max = 65535},
      {.name = keys::kMasterWebPort, .type = KeyType::kInt, .default_value = "19999",
       .description = "TCP port reserved for the master's web UI and /metrics (served from a later release; "
                      "declared now so deployments can reserve it).",
       .min = 0, .max = 65535},
      {.name = keys::kMasterJournalFolder, .type = KeyType::kString, .default_value = "/tmp/shoal/journal",
       .description = "Directory of the master's journal: append-only log segments and checkpoints. "
                      "Every acknowledged namespace change is in it before the client hears back."},
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
      {.name = keys::kUserMetadataSyncInterval, .type = KeyType::kDuration, .default_value = "-1",
       .description = "How old cached under-store metadata may be before an access re-reads it from the "
                      "store: -1 never after the first load, 0 on every access, or a duration (10min).",
       .dynamic = true, .min = 0, .allow_never = true},
      {.name = keys::kUserRpcTimeout, .type = KeyType::kDuration, .default_value = "30s",
       .description = "Deadline of one client RPC to the master.", .dynamic = true, .min = 1},
      {.name = keys::kUserListPageSize, .type = KeyType::kInt, .default_value = "1000",
       .description = "Entries a client asks for per ListStatus page.", .dynamic = true,
       .min = 1, .max = 1'000'000},
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
