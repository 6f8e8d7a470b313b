// The master stub: one method per MasterService call, with the caller's identity and a deadline on
// every call, gRPC errors turned back into Shoal Status codes, and the leader followed across
// changes. Optionally a metadata cache of getStatus answers (clients; the worker has none), and a
// per-path default sync interval for calls that name none (the client's hot settings, which
// client::Context applies here). Thread-safe: one instance may serve any number of threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common.pb.h"
#include "common/configuration.h"
#include "common/path_value.h"
#include "master.pb.h"

namespace shoal::stubs {

class MasterConnection;

class MasterClient {
 public:
  // Connects to shoal.master.rpc.addresses, or shoal.master.hostname:shoal.master.rpc.port.
  explicit MasterClient(const Configuration& conf);
  // No metadata cache unless `cache_entries` and `cache_ttl_ms` are both set. With several
  // addresses (a Raft group), calls go to the leader and follow it across changes.
  MasterClient(const std::string& address, int64_t timeout_ms, uint32_t list_page_size, size_t cache_entries = 0,
               int64_t cache_ttl_ms = 0);
  MasterClient(const std::vector<std::string>& addresses, int64_t timeout_ms, uint32_t list_page_size,
               size_t cache_entries = 0, int64_t cache_ttl_ms = 0);
  ~MasterClient();

  // The master calls go to now (the leader once one answered), and every master known.
  std::string address() const;
  std::vector<std::string> addresses() const;
  int64_t timeoutMs() const;

  // Without an explicit `sync_interval_ms`, answered from the metadata cache when it holds the path.
  Result<proto::FileInfo> getStatus(const std::string& path, std::optional<int64_t> sync_interval_ms = std::nullopt);
  Result<std::vector<proto::PathResult>> getStatusBatch(const std::vector<std::string>& paths);
  // Calls `page` for each page of the listing, in name order, from the first name after
  // `start_after` ("": from the first). Stop early by returning false.
  Status listStatus(const std::string& path, const std::function<bool(const std::vector<proto::FileInfo>&)>& page,
                    std::optional<int64_t> sync_interval_ms = std::nullopt, const std::string& start_after = {});
  Result<std::vector<proto::FileInfo>> listAll(const std::string& path,
                                               std::optional<int64_t> sync_interval_ms = std::nullopt);
  Result<proto::FileInfo> createDirectory(const std::string& path, bool recursive, std::optional<uint32_t> mode = {});
  Result<proto::FileInfo> createFile(const std::string& path, bool recursive, bool complete,
                                     proto::WriteType write_type = proto::WRITE_TYPE_DEFAULT,
                                     std::optional<uint32_t> mode = {});
  // mknod/mkfifo/symlink: a FIFO, socket, device node or symbolic link (with its target).
  Result<proto::FileInfo> createSpecial(const std::string& path, proto::FileType type, uint32_t mode,
                                        const std::string& symlink_target = "", uint64_t rdev = 0);
  // `file_id`: the id createFile returned (0: any); `mtime_ms`: the store's mtime (0: master's clock).
  Result<proto::FileInfo> completeFile(const std::string& path, uint64_t length, bool persisted,
                                       uint64_t file_id = 0, int64_t mtime_ms = 0);
  // `file_id` != 0: only if the path still names that inode (a writer removing its own file).
  Status remove(const std::string& path, bool recursive, bool shoal_only = false, uint64_t file_id = 0);
  // With `replace`, POSIX rename(2): an existing destination is replaced in one step.
  // `keep_xattrs`: the moved file takes the replaced one's extended attributes (a new version of it).
  Status rename(const std::string& src, const std::string& dst, bool replace = false, bool keep_xattrs = false);
  // Extended attributes (user.* only): one name set or removed, all of a file's read at once.
  Status setXattr(const std::string& path, const std::string& name, const std::string& value,
                  proto::XattrMode mode = proto::XATTR_ANY, bool remove = false);
  Result<std::map<std::string, std::string>> getXattrs(const std::string& path);
  // touch -d / utimensat: the mtime is kept in the store too where the store can hold it; the
  // atime in the namespace only.
  Status setTimes(const std::string& path, std::optional<int64_t> mtime_ms, std::optional<int64_t> atime_ms = {});
  Status setModificationTime(const std::string& path, int64_t mtime_ms) { return setTimes(path, mtime_ms); }
  Status setAttribute(const std::string& path, std::optional<uint32_t> mode, std::optional<std::string> owner,
                      std::optional<std::string> group, bool recursive);
  Status setPinned(const std::string& path, bool pinned, bool recursive);
  Status mount(const std::string& path, const std::string& uri, bool readonly,
               const std::map<std::string, std::string>& options);
  Status unmount(const std::string& path);
  // Sets and unsets options of the mount at `path` (and its read-only flag, when given) in place;
  // the mount as it is now.
  Result<proto::MountInfo> updateMount(const std::string& path, const std::map<std::string, std::string>& set,
                                       const std::vector<std::string>& unset, std::optional<bool> readonly);
  // The mount table, and its version (GetMountTableResponse.version) when `version` is given.
  Result<std::vector<proto::MountInfo>> mountTable(uint64_t* version = nullptr);
  Result<proto::GetMasterInfoResponse> masterInfo();
  // One particular master's own view (any master answers, leader or not), without redirects.
  static Result<proto::GetMasterInfoResponse> masterInfoAt(const std::string& address, int64_t timeout_ms,
                                                           bool digest = false);
  // Quorum administration (on the leader). transferLeader returns the new leader's RPC address
  // ("" if not yet known).
  Result<std::string> transferLeader(const std::string& journal_address);
  Status changeQuorum(const std::string& journal_address, bool add);
  // getStatus calls answered from the metadata cache.
  uint64_t metadataCacheHits() const;
  uint64_t metadataCacheMisses() const;
  // See MasterConnection::retries() and switches().
  uint64_t masterRetries() const;
  uint64_t masterSwitches() const;
  size_t metadataCacheSize() const;
  // What calls that name no sync interval send (per path; nullopt: the master's own applies), and
  // the metadata cache's limits (0 entries or 0 ms: no cache). Swapped atomically; the cache takes
  // its new limits at once.
  struct Defaults {
    PathValue<std::optional<int64_t>> sync_interval_ms;
    size_t cache_entries = 0;
    int64_t cache_ttl_ms = 0;
  };
  void setDefaults(Defaults defaults);
  // The sync interval a configuration sets for calls (nullopt when nobody chose one: the master's
  // own applies then). Used for `sync_interval_ms.base`.
  static std::optional<int64_t> syncIntervalOf(const Configuration& conf);
  // The leader-following connection (for the other master services: conf_client.h).
  MasterConnection& connection();
  // Forgets cached statuses of `path` and everything below it ("/" forgets all).
  void dropMetadataCache(const std::string& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::stubs
