// A Shoal path's under-store, reached directly: reads are the worker's miss path and a client's
// last resort when no worker can serve; writes are how THROUGH and CACHE_THROUGH data reaches the
// store. It resolves the file's mount through the master's mount table, keeps one store
// connection per mount, and checks the file's fingerprint in the store before returning data, so
// bytes of a file that changed since the client read its metadata are never returned or cached as
// the old version. The cached table is refreshed when a caller's metadata names a newer mount-table
// version (FileInfo.mount_table_version), when a heartbeat says so, or when a path matches no
// mount: a mount added, removed or replaced is seen by the next read that needs it. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "stubs/master_client.h"
#include "common.pb.h"
#include "ufs/ufs_registry.h"

namespace shoal::stubs {

class UfsDirect {
 public:
  UfsDirect(MasterClient& master, const ufs::UfsRegistry& registry) : master_(master), registry_(registry) {}

  // Reads [offset, offset + buf.size()) of the Shoal file `path`, which the caller knows with
  // `size` and `mtime_ms` from metadata of mount-table version `mount_version`.
  // FailedPrecondition when the store's file no longer matches them.
  Result<size_t> read(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset, std::span<char> buf,
                      uint64_t mount_version = 0);

  // A new file at the Shoal path `path` in its store (parents created), published on close().
  // NotFound when the path is in no mount.
  Result<std::unique_ptr<ufs::UfsOutputStream>> create(const std::string& path, uint32_t mode,
                                                       uint64_t mount_version = 0);
  // A new store file at the Shoal path `dst` holding the persisted files `srcs` one after another,
  // joined by the store itself (Ufs::concat; NotSupported where it cannot). FailedPrecondition when
  // a source is in another mount or its store copy is not the version `srcs` names.
  Status concat(const std::vector<proto::FileInfo>& srcs, const std::string& dst, uint64_t mount_version = 0);
  // The store's view of the Shoal path `path`.
  Result<ufs::UfsStatus> storeStatus(const std::string& path, uint64_t mount_version = 0);
  // The master's mount table is at `version` (a heartbeat said so): an older cached table is
  // refreshed before its next use.
  void noteMountTableVersion(uint64_t version);
  // Bytes read from stores through this object since it was made, by mount point (cumulative: a
  // mount that went away keeps its count).
  std::map<std::string, uint64_t> readBytesByMount() const;

 private:
  struct Mounted {
    proto::MountInfo info;
    std::shared_ptr<ufs::Ufs> ufs;
  };
  Result<Mounted> mountFor(const std::string& path, uint64_t min_version);
  // After the store refused `used` (access denied): the mount as the master has it now, when it
  // changed (`fs update-mount` with new credentials that this process has not heard of yet);
  // nullopt when it is the same. Asks the master at most once a second.
  std::optional<Mounted> changedSince(const std::string& path, const Mounted& used);
  // `op` on the mount of `path`, once more on the changed mount when the store refused access.
  template <typename T, typename Op>
  Result<T> withMount(const std::string& path, uint64_t mount_version, Op op);
  Status refresh(const std::string& path);

  MasterClient& master_;
  const ufs::UfsRegistry& registry_;
  std::mutex refresh_mu_;                  // one refresh at a time; taken before mu_
  mutable std::mutex mu_;
  std::map<std::string, Mounted> mounts_;  // by mount path; guarded by mu_
  std::map<std::string, uint64_t> read_bytes_;  // by mount path; guarded by mu_
  uint64_t version_ = 0;                   // of mounts_; guarded by mu_
  uint64_t wanted_ = 0;                    // newest version heard of; guarded by mu_
  std::chrono::steady_clock::time_point last_forced_{};  // of changedSince's refresh; guarded by refresh_mu_
};

}  // namespace shoal::stubs
