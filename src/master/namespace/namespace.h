// The namespace: the inode tree addressed by path, plus the mount table. It is the state the
// journal's state machine changes; every mutation here is deterministic (no clocks, no I/O: times
// and owners come in the journal entry) and all-or-nothing (checked first, then changed), so
// replaying the same entries on any replica gives the same tree with the same inode ids.
// Not thread-safe: the state machine holds the lock.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "journal.pb.h"
#include "master/metastore/inode_store.h"
#include "master/namespace/mount_table.h"

namespace shoal::master {

class Namespace {
 public:
  explicit Namespace(std::unique_ptr<InodeStore> store);

  // Reads. Errors: "<path>: no such file or directory", "<prefix>: not a directory".
  Result<Inode> lookup(const std::string& path) const;
  const InodeStore& store() const { return *store_; }
  InodeStore& store() { return *store_; }
  const MountTable& mounts() const { return mounts_; }
  MountTable& mounts() { return mounts_; }

  // Mutations, one file each under namespace/ops/.
  Result<Inode> mkdir(const proto::MkdirEntry& e);
  Result<Inode> createFile(const proto::CreateFileEntry& e);
  Result<Inode> completeFile(const proto::CompleteFileEntry& e);
  Status remove(const proto::DeleteEntry& e);
  Status rename(const proto::RenameEntry& e);
  // The checks of remove/rename without the change, so the master can refuse before touching the
  // under-store. Returns the inode that would be removed or moved.
  Result<Inode> checkRemove(const proto::DeleteEntry& e) const;
  Result<Inode> checkRename(const proto::RenameEntry& e) const;
  Status setAttribute(const proto::SetAttributeEntry& e);
  // setxattr(2)/removexattr(2) of one name. The checks (the name's namespace, sizes) are
  // checkXattr's, shared with the master's early refusal.
  Status setXattr(const proto::SetXattrEntry& e);
  // setXattr's checks without the change (the master refuses before writing to the store): the
  // inode, and in `after` (if given) its attributes as the change would leave them.
  Result<Inode> checkSetXattr(const proto::SetXattrEntry& e, XattrMap* after = nullptr) const;
  static Status checkXattr(const std::string& path, const std::string& name, size_t value_size);
  static constexpr size_t kMaxXattrValue = 64 * 1024;
  static constexpr size_t kMaxXattrTotal = 64 * 1024;  // names and values of one inode
  Status mount(const proto::MountEntry& e, uint64_t mount_id);
  Status unmount(const proto::UnmountEntry& e);
  Status updateMount(const proto::UpdateMountEntry& e, uint64_t mount_id);
  Status applyUfsSync(const proto::UfsSyncEntry& e);

  // Shared by the operations.
  struct Walk {
    InodeId deepest = kInvalidInode;  // deepest existing inode on the path
    size_t found = 0;                 // how many components exist
  };
  // Follows `path` as far as it exists. Fails only if an existing non-final component is a file.
  Result<Walk> walk(const std::string& path) const;
  // POSIX: creating, removing or renaming an entry changes its directory's mtime and ctime.
  // `ms` 0 (entries written before times were carried) changes nothing.
  void touchDir(InodeId dir, int64_t ms);
  // Removes `id` and everything below it.
  void removeSubtree(InodeId id);
  // Ids of pinned files, kept beside the tree so heartbeats need not scan it.
  std::vector<uint64_t> pinnedFiles() const { return {pinned_.begin(), pinned_.end()}; }
  // After a checkpoint load: recomputes the pinned set from the inodes' flags.
  void rebuildPinned();
  // Errors for mutations that would touch mount points.
  Status checkNoMountAt(const std::string& path, const char* op) const;

 private:
  std::unique_ptr<InodeStore> store_;
  MountTable mounts_;
  std::set<uint64_t> pinned_;
};

}  // namespace shoal::master
