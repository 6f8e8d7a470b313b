// The master's file-system operations: the logic behind MasterService (which only translates). It
// normalises and checks requests, keeps metadata in step with the under-stores (lazy loading and
// interval-based sync), performs the store side of a mutation first, then journals the change and
// returns what the state machine applied. Thread-safe: any number of RPC threads call in.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common.pb.h"
#include "common/clock.h"
#include "common/configuration.h"
#include "common/metrics/registry.h"
#include "master/fs/sync_coordinator.h"
#include "common/path_value.h"
#include "master/fs/ufs_manager.h"
#include "master/journal/journal.h"

namespace shoal::master {

// Who is calling (from RPC metadata); becomes the owner of what they create.
struct CallerIdentity {
  std::string user;
  std::string group;
};

// What a SetAttribute changes; unset fields stay as they are.
struct AttrChange {
  std::optional<uint32_t> mode;
  std::optional<std::string> owner;
  std::optional<std::string> group;
  std::optional<bool> pinned;
  std::optional<int64_t> mtime_ms;  // one path only, never recursive
  std::optional<int64_t> atime_ms;  // one path only; the namespace alone keeps it
};

struct ListResult {
  std::vector<proto::FileInfo> entries;
  bool has_more = false;
};

class FileSystemMaster {
 public:
  FileSystemMaster(const Configuration& conf, StateMachine& sm, Journal& journal, const ufs::UfsRegistry& registry);

  // Mounts shoal.master.mount.table.root.ufs at / on a fresh namespace. Call after the journal
  // has recovered.
  Status start(const CallerIdentity& self);

  // Reads (fs_read_ops.cc). `sync_interval_ms` overrides the configured interval for this call.
  Result<proto::FileInfo> getStatus(const std::string& path, std::optional<int64_t> sync_interval_ms);
  Result<XattrMap> getXattrs(const std::string& path);
  // setxattr(2) (mode: proto::XattrMode) or, with `remove`, removexattr(2) of one name.
  Status setXattr(const std::string& path, const std::string& name, const std::string& value, proto::XattrMode mode,
                  bool remove);
  // `continued`: a later page of one listing (never syncs).
  Result<ListResult> listStatus(const std::string& path, const std::string& start_after, uint32_t limit,
                                std::optional<int64_t> sync_interval_ms, bool continued = false);
  // The mount table, and its version (see MountTable::version()) read under the same lock.
  std::vector<proto::MountInfo> mountTable(uint64_t* version = nullptr) const;
  uint64_t mountTableVersion() const;
  // Which workers are not active, as a digest (StateMachine::workerStatesDigest).
  uint64_t workerStatesDigest() const { return sm_.workerStatesDigest(); }
  // The cluster configuration's version (it rides on heartbeat replies).
  uint64_t confVersion() const { return sm_.confVersion(); }
  // Applies the hot keys of this master's configuration from now on (the metadata sync interval of
  // callers that send none, per path).
  void followConfig(LiveConfig& live);
  uint64_t inodeCount() const;
  uint64_t journalSequence() const { return journal_.lastSequence(); }
  std::optional<uint64_t> namespaceDigest() const { return sm_.digest(); }

  // Mutations (fs_write_ops.cc, fs_mount_ops.cc).
  Result<proto::FileInfo> createDirectory(const CallerIdentity& who, const std::string& path, bool recursive,
                                          std::optional<uint32_t> mode);
  Result<proto::FileInfo> createFile(const CallerIdentity& who, const std::string& path, bool recursive,
                                     std::optional<uint32_t> mode, proto::WriteType write_type, bool complete);
  // mknod(2), mkfifo(3), symlink(2): a special file, complete at once. A link goes to the store
  // too where the store has links (file://, cephfs://); everything else lives in the namespace.
  Result<proto::FileInfo> createSpecial(const CallerIdentity& who, const std::string& path, uint32_t mode,
                                        proto::FileType type, const std::string& symlink_target, uint64_t rdev);
  // `file_id` (0: any) must be the inode CreateFile made; `mtime_ms` 0 takes the master's clock.
  Result<proto::FileInfo> completeFile(const std::string& path, uint64_t length, bool persisted,
                                       uint64_t file_id = 0, int64_t mtime_ms = 0);
  // `file_id` != 0: only if the path still names that inode (FailedPrecondition otherwise).
  Status remove(const std::string& path, bool recursive, bool shoal_only, uint64_t file_id = 0);
  // With `replace`, POSIX rename(2): an existing destination (a file, or an empty directory for a
  // directory) is replaced in the same journal entry.
  Status rename(const std::string& src, const std::string& dst, bool replace = false, bool keep_xattrs = false);
  Status setAttribute(const std::string& path, const AttrChange& change, bool recursive);
  // The mtime to journal for a touch of `path`: the store's after setting it there, the given one
  // for a directory, none when the file's version must keep its time (MUST_CACHE, S3).
  Result<std::optional<int64_t>> modificationTimeToRecord(const std::string& path, int64_t mtime_ms);
  // Ids of every pinned file, for the workers' heartbeats.
  std::vector<uint64_t> pinnedFiles() const;
  Status mount(const CallerIdentity& who, const std::string& path, const std::string& uri, bool readonly,
               const std::map<std::string, std::string>& options);
  Status unmount(const std::string& path);
  // Changes the options (credentials included) and read-only flag of the mount at `path` in
  // place: `set` options are set, `unset` removed, `readonly` applied when given. The store is
  // opened with the new options first; refused, nothing changes. Returns the new mount.
  Result<proto::MountInfo> updateMount(const std::string& path, const std::map<std::string, std::string>& set,
                                       const std::vector<std::string>& unset, std::optional<bool> readonly);

 private:
  struct MountRef {
    proto::MountInfo info;
    std::shared_ptr<ufs::Ufs> ufs;
    std::string ufs_path;  // the path within the store
  };
  // metadata_sync.cc
  // The mount that holds `path`, with its store connection; nullopt for Shoal-only paths.
  Result<std::optional<MountRef>> mountFor(const std::string& path);
  // Makes sure every directory above `path` that lies in a mount has its children loaded.
  Status loadAncestors(const std::string& path);
  // Brings `path` (and with `list`, its children) in step with the store per the interval.
  Status syncForRead(const std::string& path, int64_t interval_ms, bool list);
  // Syncs `path` unless a sync that started at or after `decided_at_us` already brought it in
  // step (another caller got there first); INT64_MIN means "only if never loaded".
  Status syncPath(const std::string& path, bool listing, int64_t decided_at_us);
  bool alreadyFresh(const std::string& path, bool listing, int64_t decided_at_us) const;
  // Reads the store and journals what changed; `listed` and `changed` count store entries.
  Status doSync(const std::string& path, bool listing, size_t* listed, size_t* changed);

  // fs_write_ops.cc: drops an incomplete file at `path` whose writer's lease ran out.
  // The checks every create makes before the store is touched: the name is free, its parents exist
  // (unless `recursive`) and are directories.
  Status checkCreate(const std::string& path, bool recursive) const;
  Status replaceAbandonedWrite(const std::string& path);
  ApplyResult submit(proto::JournalEntry entry) { return journal_.submit(std::move(entry)); }
  // Submits the entry that carries out the client's call, tagged with the call's request id.
  ApplyResult submitCall(proto::JournalEntry entry);
  // The result of this call's earlier attempt, when a retry finds it already applied.
  std::optional<ApplyResult> earlierAttempt() const;
  Result<proto::FileInfo> earlierInfo(const ApplyResult& r, const std::string& path) const;
  proto::FileInfo toFileInfo(const Inode& inode, const std::string& path) const;
  // The caller's sync interval, else this master's for `path` (its cluster configuration included).
  int64_t intervalOr(std::string_view path, std::optional<int64_t> override_ms) const;

  const Configuration& conf_;
  StateMachine& sm_;
  std::atomic<std::shared_ptr<const PathValue<int64_t>>> sync_interval_;
  std::unique_ptr<LiveConfig::Listener> conf_listener_;
  Journal& journal_;
  UfsManager ufs_;
  SyncCoordinator sync_;
  // Store names Shoal cannot hold (see skipUnholdable): each counted and logged once.
  std::mutex unholdable_mu_;
  std::unordered_set<std::string> unholdable_;  // "<dir>/<name>"; bounded; guarded by unholdable_mu_
  std::atomic<uint64_t> unholdable_count_{0};
  struct SyncMetrics {
    metrics::Counter& ok;
    metrics::Counter& failed;
    metrics::Histogram& seconds;
    metrics::Counter& listed;
    metrics::Counter& journaled;
  };
  std::unique_ptr<SyncMetrics> sync_metrics_owned_;
  std::atomic<SyncMetrics*> sync_metrics_{nullptr};  // null until declareMetrics

 public:
  // Declares the metadata-sync metrics (shoal_master_metadata_syncs_total, ...); before this
  // call syncs are not measured.
  void declareMetrics(metrics::Registry& registry);
  ~FileSystemMaster();
  // Distinct names in the stores that Shoal skips because it cannot hold them.
  uint64_t unholdableStoreNames() const { return unholdable_count_.load(); }

 private:
  // Drops from `children` (a listing of the store directory behind `path`) the names that are not
  // valid Shoal names (over 255 bytes, "..", a control character), so they are never journaled.
  void skipUnholdable(const std::string& path, std::vector<ufs::UfsStatus>& children);
};

}  // namespace shoal::master
