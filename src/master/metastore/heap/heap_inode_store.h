// The default metastore: a compact in-memory inode table. Each inode is a 64-byte slot in fixed-size
// chunks (no reallocation, no slack), its name lives in a chunked byte arena, and one open-addressing
// index of 4-byte slot numbers maps (parent, name) to the child, so a million files cost well under
// 100 bytes each. Thread-safety as InodeStore.
#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "master/metastore/heap/child_index.h"
#include "master/metastore/heap/name_arena.h"
#include "master/metastore/heap/sorted_children.h"
#include "master/metastore/inode_store.h"

namespace shoal::master {

class HeapInodeStore final : public InodeStore {
 public:
  explicit HeapInodeStore(uint16_t cluster_id);

  InodeId rootId() const override { return idOf(kRootSlot); }
  bool get(InodeId id, Inode* out) const override;
  std::optional<InodeId> child(InodeId parent, std::string_view name) const override;
  bool hasChildren(InodeId dir) const override;
  Result<InodeId> addChild(InodeId parent, std::string_view name, const Inode& attrs) override;
  void removeLeaf(InodeId id) override;
  Status move(InodeId id, InodeId new_parent, std::string_view new_name) override;
  Status setAttrs(InodeId id, const Inode& attrs) override;
  void listChildren(InodeId dir, std::string_view start_after, size_t limit, std::vector<Inode>* out,
                    bool* has_more) const override;
  void childIds(InodeId dir, std::vector<InodeId>* out) const override;
  void xattrs(InodeId id, XattrMap* out) const override;
  void setXattrs(InodeId id, XattrMap attrs) override;
  uint64_t inodeCount() const override { return live_; }
  // Bytes the name arena holds (names in use, plus free space kept for reuse).
  size_t nameBytesAllocated() const { return arena_.bytesAllocated(); }
  int64_t lastSyncUs(InodeId id) const override;
  void setLastSyncUs(InodeId id, int64_t us) const override;
  Status saveCheckpoint(std::ostream& out) const override;
  Status loadCheckpoint(std::istream& in) override;

 private:
  static constexpr uint32_t kRootSlot = 1;
  static constexpr uint32_t kSlotsPerChunk = 16384;
  static constexpr uint16_t kFreeFlag = 1 << 15;
  // A directory gets a sorted index once it has this many children; smaller ones are scanned.
  static constexpr size_t kSortedFrom = 128;

  struct Slot {
    uint32_t parent;
    uint32_t first_child;
    uint32_t next_sibling;  // also links the free list
    uint32_t prev_sibling;
    uint32_t name_ref;
    uint16_t generation;
    uint16_t mode;
    uint16_t owner;
    uint16_t group;
    uint16_t flags;
    uint8_t name_len;
    uint8_t type;  // InodeType
    uint64_t size;
    int64_t mtime_ms;
    int64_t ctime_ms;
    mutable int64_t last_sync_us;  // atomic_ref access only
  };
  static_assert(sizeof(Slot) == 64);
  // What few inodes have, kept beside the slots: a special file's text or device numbers, an
  // access time set explicitly.
  struct Special {
    std::string symlink_target;
    uint64_t rdev = 0;
    int64_t atime_ms = 0;
  };

  Slot& slot(uint32_t s) { return chunks_[s / kSlotsPerChunk][s % kSlotsPerChunk]; }
  const Slot& slot(uint32_t s) const { return chunks_[s / kSlotsPerChunk][s % kSlotsPerChunk]; }
  // Slot of a live inode with this exact id, or 0.
  uint32_t resolve(InodeId id) const;
  InodeId idOf(uint32_t s) const { return makeInodeId(cluster_id_, slot(s).generation, s); }
  std::string_view nameOf(uint32_t s) const { return arena_.view(slot(s).name_ref, slot(s).name_len); }
  void fill(uint32_t s, Inode* out) const;
  uint32_t allocateSlot();
  void linkChild(uint32_t parent, uint32_t child);
  void unlinkChild(uint32_t child);
  Result<uint16_t> intern(const std::string& s);
  void reset();

  uint16_t cluster_id_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  uint32_t next_slot_ = kRootSlot;
  uint32_t free_head_ = 0;
  uint64_t live_ = 0;
  NameArena arena_;
  ChildIndex index_;
  SortedChildren::NameOf name_of_;
  std::unordered_map<uint32_t, SortedChildren> sorted_;  // by directory slot; large directories only
  std::unordered_map<uint32_t, Special> specials_;  // by slot
  std::unordered_map<uint32_t, XattrMap> xattrs_;   // by slot; few inodes have any
  std::vector<std::string> strings_;  // interned owners and groups
  std::unordered_map<std::string, uint16_t> string_ids_;
};

}  // namespace shoal::master
