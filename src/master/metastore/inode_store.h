// Where inodes live: the interface every metastore (heap now, RocksDB later) implements. The store
// knows parent/child links and attributes, not paths. NOT thread-safe: the state machine serialises
// writers and holds a shared lock for readers; only lastSyncUs/setLastSyncUs may be called under
// the shared lock concurrently (they are atomic).
#pragma once

#include <iosfwd>
#include <optional>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "master/metastore/inode.h"

namespace shoal::master {

class InodeStore {
 public:
  virtual ~InodeStore() = default;

  virtual InodeId rootId() const = 0;
  virtual bool get(InodeId id, Inode* out) const = 0;
  virtual std::optional<InodeId> child(InodeId parent, std::string_view name) const = 0;
  virtual bool hasChildren(InodeId dir) const = 0;
  // Creates a child of `parent` with the attributes of `attrs` (its id, parent and name ignored).
  // REQUIRES: parent is a directory and has no child of that name.
  virtual Result<InodeId> addChild(InodeId parent, std::string_view name, const Inode& attrs) = 0;
  // REQUIRES: id has no children.
  virtual void removeLeaf(InodeId id) = 0;
  // REQUIRES: new_parent has no child named new_name and is not below id. An error (no room for
  // the new name) leaves the tree as it was.
  virtual Status move(InodeId id, InodeId new_parent, std::string_view new_name) = 0;
  // Replaces flags, mode, owner, group, size, mtime, atime and ctime (the type and a link's target are
  // fixed at creation).
  virtual Status setAttrs(InodeId id, const Inode& attrs) = 0;
  // Children sorted by name, those after `start_after`, at most `limit`.
  virtual void listChildren(InodeId dir, std::string_view start_after, size_t limit, std::vector<Inode>* out,
                            bool* has_more) const = 0;
  // Extended attributes: all of an inode's at once (they are few and small); an empty map
  // removes them. Removing the inode removes them too.
  virtual void xattrs(InodeId id, XattrMap* out) const = 0;
  virtual void setXattrs(InodeId id, XattrMap attrs) = 0;
  virtual void childIds(InodeId dir, std::vector<InodeId>* out) const = 0;
  virtual uint64_t inodeCount() const = 0;

  // When the inode was last compared with the under-store (leader-local, not journaled).
  virtual int64_t lastSyncUs(InodeId id) const = 0;  // microseconds since the epoch
  virtual void setLastSyncUs(InodeId id, int64_t us) const = 0;

  // The whole store, including the id allocator, so replay after a checkpoint allocates the
  // same ids as the original run.
  virtual Status saveCheckpoint(std::ostream& out) const = 0;
  virtual Status loadCheckpoint(std::istream& in) = 0;
};

}  // namespace shoal::master
