#include "master/metastore/heap/heap_inode_store.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <fmt/format.h>
#include <istream>
#include <ostream>

#include "common/binary_io.h"

namespace shoal::master {

namespace {
constexpr uint64_t kCheckpointMagicV1 = 0x3153454e4f4f4853ULL;  // "SHOONES1": no types, no ctime
constexpr uint64_t kCheckpointMagic = 0x3253454e4f4f4853ULL;    // "SHOONES2"
constexpr uint8_t kMaxType = static_cast<uint8_t>(InodeType::kBlockDevice);
}

HeapInodeStore::HeapInodeStore(uint16_t cluster_id)
    : cluster_id_(cluster_id),
      index_([this](uint32_t s) { return ChildIndex::Key{slot(s).parent, nameOf(s)}; }),
      name_of_([this](uint32_t s) { return nameOf(s); }) {
  reset();
}

void HeapInodeStore::reset() {
  chunks_.clear();
  arena_.clear();
  index_.clear();
  sorted_.clear();
  specials_.clear();
  xattrs_.clear();
  strings_.clear();
  string_ids_.clear();
  next_slot_ = kRootSlot;
  free_head_ = 0;
  live_ = 0;
  (void)intern("");
  uint32_t root = allocateSlot();
  Slot& r = slot(root);
  r.flags = kInodeDir | kInodeComplete;
  r.mode = 0755;
  ++live_;
}

uint32_t HeapInodeStore::allocateSlot() {
  uint32_t s;
  if (free_head_ != 0) {
    s = free_head_;
    free_head_ = slot(s).next_sibling;
  } else {
    s = next_slot_++;
    if (s / kSlotsPerChunk >= chunks_.size()) chunks_.emplace_back(new Slot[kSlotsPerChunk]);
    slot(s).generation = 0;
  }
  Slot& sl = slot(s);
  uint16_t gen = sl.generation;
  sl = Slot{};
  sl.generation = gen;
  return s;
}

uint32_t HeapInodeStore::resolve(InodeId id) const {
  uint32_t s = inodeSlot(id);
  if (s == 0 || s >= next_slot_) return 0;
  if ((id >> 48) != cluster_id_) return 0;
  const Slot& sl = slot(s);
  if ((sl.flags & kFreeFlag) || sl.generation != inodeGeneration(id)) return 0;
  return s;
}

void HeapInodeStore::fill(uint32_t s, Inode* out) const {
  const Slot& sl = slot(s);
  out->id = idOf(s);
  out->parent = s == kRootSlot ? kInvalidInode : idOf(sl.parent);
  out->name.assign(nameOf(s));
  out->flags = sl.flags;
  out->mode = sl.mode;
  out->owner = strings_[sl.owner];
  out->group = strings_[sl.group];
  out->size = sl.size;
  out->mtime_ms = sl.mtime_ms;
  out->ctime_ms = sl.ctime_ms;
  out->type = static_cast<InodeType>(sl.type);
  out->symlink_target.clear();
  out->rdev = 0;
  out->atime_ms = 0;
  out->has_xattrs = !xattrs_.empty() && xattrs_.count(s) != 0;
  if (!specials_.empty()) {
    auto it = specials_.find(s);
    if (it != specials_.end()) {
      out->symlink_target = it->second.symlink_target;
      out->rdev = it->second.rdev;
      out->atime_ms = it->second.atime_ms;
    }
  }
}

bool HeapInodeStore::get(InodeId id, Inode* out) const {
  uint32_t s = resolve(id);
  if (s == 0) return false;
  fill(s, out);
  return true;
}

std::optional<InodeId> HeapInodeStore::child(InodeId parent, std::string_view name) const {
  uint32_t p = resolve(parent);
  if (p == 0) return std::nullopt;
  uint32_t c = index_.find(p, name);
  if (c == 0) return std::nullopt;
  return idOf(c);
}

bool HeapInodeStore::hasChildren(InodeId dir) const {
  uint32_t s = resolve(dir);
  return s != 0 && slot(s).first_child != 0;
}

Result<uint16_t> HeapInodeStore::intern(const std::string& s) {
  auto it = string_ids_.find(s);
  if (it != string_ids_.end()) return it->second;
  if (strings_.size() >= 65535) {
    return makeError(Status(StatusCode::kUnavailable, "heap metastore: more than 65535 distinct owners/groups"));
  }
  uint16_t id = static_cast<uint16_t>(strings_.size());
  strings_.push_back(s);
  string_ids_.emplace(s, id);
  return id;
}

void HeapInodeStore::linkChild(uint32_t parent, uint32_t child) {
  Slot& p = slot(parent);
  Slot& c = slot(child);
  c.parent = parent;
  c.prev_sibling = 0;
  c.next_sibling = p.first_child;
  if (p.first_child != 0) slot(p.first_child).prev_sibling = child;
  p.first_child = child;
  if (auto it = sorted_.find(parent); it != sorted_.end()) {
    it->second.insert(child, name_of_);
    return;
  }
  size_t n = 0;
  for (uint32_t c = p.first_child; c != 0 && n < kSortedFrom; c = slot(c).next_sibling) ++n;
  if (n < kSortedFrom) return;
  SortedChildren& sorted = sorted_[parent];
  for (uint32_t c = p.first_child; c != 0; c = slot(c).next_sibling) sorted.insert(c, name_of_);
}

void HeapInodeStore::unlinkChild(uint32_t child) {
  Slot& c = slot(child);
  if (auto it = sorted_.find(c.parent); it != sorted_.end()) {
    it->second.erase(child, name_of_);
    if (it->second.size() == 0) sorted_.erase(it);
  }
  if (c.prev_sibling != 0) slot(c.prev_sibling).next_sibling = c.next_sibling;
  else slot(c.parent).first_child = c.next_sibling;
  if (c.next_sibling != 0) slot(c.next_sibling).prev_sibling = c.prev_sibling;
  c.next_sibling = c.prev_sibling = 0;
}

Result<InodeId> HeapInodeStore::addChild(InodeId parent, std::string_view name, const Inode& attrs) {
  uint32_t p = resolve(parent);
  if (p == 0) return makeError(Status(StatusCode::kInternal, "addChild: parent inode is gone"));
  auto owner = intern(attrs.owner);
  if (!owner) return makeError(owner.error());
  auto group = intern(attrs.group);
  if (!group) return makeError(group.error());
  auto ref = arena_.add(name);
  if (!ref) return makeError(ref.error());
  uint32_t s = allocateSlot();
  Slot& sl = slot(s);
  sl.name_ref = *ref;
  sl.name_len = static_cast<uint8_t>(name.size());
  sl.flags = attrs.flags & ~kFreeFlag;
  sl.mode = static_cast<uint16_t>(attrs.mode & 07777);
  sl.owner = *owner;
  sl.group = *group;
  sl.size = attrs.size;
  sl.mtime_ms = attrs.mtime_ms;
  sl.ctime_ms = attrs.ctime_ms;
  sl.type = attrs.isDir() ? 0 : static_cast<uint8_t>(attrs.type);
  if (sl.type != 0 || attrs.atime_ms != 0) specials_[s] = Special{attrs.symlink_target, attrs.rdev, attrs.atime_ms};
  linkChild(p, s);
  index_.insert(s);
  ++live_;
  return idOf(s);
}

void HeapInodeStore::removeLeaf(InodeId id) {
  uint32_t s = resolve(id);
  if (s == 0 || s == kRootSlot) return;
  index_.erase(s);
  unlinkChild(s);
  Slot& sl = slot(s);
  arena_.release(sl.name_ref, sl.name_len);
  specials_.erase(s);
  xattrs_.erase(s);
  sl.type = 0;
  sl.flags = kFreeFlag;
  sl.generation = static_cast<uint16_t>(sl.generation + 1);
  sl.next_sibling = free_head_;
  free_head_ = s;
  --live_;
}

Status HeapInodeStore::move(InodeId id, InodeId new_parent, std::string_view new_name) {
  uint32_t s = resolve(id);
  uint32_t p = resolve(new_parent);
  if (s == 0 || p == 0 || s == kRootSlot) return notFound("inode " + std::to_string(id));
  std::optional<uint32_t> ref;
  if (new_name != nameOf(s)) {
    // Before anything changes: a full arena fails the rename, it never leaves the old name.
    auto added = arena_.add(new_name);
    if (!added) return added.error();
    ref = *added;
  }
  index_.erase(s);
  unlinkChild(s);
  if (ref) {
    arena_.release(slot(s).name_ref, slot(s).name_len);
    slot(s).name_ref = *ref;
    slot(s).name_len = static_cast<uint8_t>(new_name.size());
  }
  linkChild(p, s);
  index_.insert(s);
  return Status::ok();
}

Status HeapInodeStore::setAttrs(InodeId id, const Inode& attrs) {
  uint32_t s = resolve(id);
  if (s == 0) return Status(StatusCode::kInternal, "setAttrs: inode is gone");
  auto owner = intern(attrs.owner);
  if (!owner) return owner.error();
  auto group = intern(attrs.group);
  if (!group) return group.error();
  Slot& sl = slot(s);
  sl.flags = attrs.flags & ~kFreeFlag;
  sl.mode = static_cast<uint16_t>(attrs.mode & 07777);
  sl.owner = *owner;
  sl.group = *group;
  sl.size = attrs.size;
  sl.mtime_ms = attrs.mtime_ms;
  sl.ctime_ms = attrs.ctime_ms;
  if (attrs.atime_ms != 0) {
    specials_[s].atime_ms = attrs.atime_ms;
  } else if (auto it = specials_.find(s); it != specials_.end()) {
    it->second.atime_ms = 0;
    if (sl.type == 0) specials_.erase(it);
  }
  return Status::ok();
}

void HeapInodeStore::listChildren(InodeId dir, std::string_view start_after, size_t limit, std::vector<Inode>* out,
                                  bool* has_more) const {
  out->clear();
  *has_more = false;
  uint32_t d = resolve(dir);
  if (d == 0) return;
  if (auto it = sorted_.find(d); it != sorted_.end()) {
    std::vector<uint32_t> slots;
    it->second.page(start_after, limit, name_of_, &slots, has_more);
    out->resize(slots.size());
    for (size_t i = 0; i < slots.size(); ++i) fill(slots[i], &(*out)[i]);
    return;
  }
  // A small directory: its children are kept unsorted, a page sorts those after the cursor.
  std::vector<uint32_t> candidates;
  for (uint32_t c = slot(d).first_child; c != 0; c = slot(c).next_sibling) {
    if (start_after.empty() || nameOf(c) > start_after) candidates.push_back(c);
  }
  auto less = [this](uint32_t a, uint32_t b) { return nameOf(a) < nameOf(b); };
  if (candidates.size() > limit) {
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<long>(limit), candidates.end(), less);
    candidates.resize(limit);
    *has_more = true;
  } else {
    std::sort(candidates.begin(), candidates.end(), less);
  }
  out->resize(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) fill(candidates[i], &(*out)[i]);
}

void HeapInodeStore::childIds(InodeId dir, std::vector<InodeId>* out) const {
  out->clear();
  uint32_t d = resolve(dir);
  if (d == 0) return;
  for (uint32_t c = slot(d).first_child; c != 0; c = slot(c).next_sibling) out->push_back(idOf(c));
  // Sibling order differs after a checkpoint reload; callers that free slots in this order must
  // free them identically on every replica, so hand them out in slot order.
  std::sort(out->begin(), out->end(), [](InodeId a, InodeId b) { return inodeSlot(a) < inodeSlot(b); });
}

void HeapInodeStore::xattrs(InodeId id, XattrMap* out) const {
  out->clear();
  uint32_t s = resolve(id);
  if (s == 0) return;
  if (auto it = xattrs_.find(s); it != xattrs_.end()) *out = it->second;
}

void HeapInodeStore::setXattrs(InodeId id, XattrMap attrs) {
  uint32_t s = resolve(id);
  if (s == 0) return;
  if (attrs.empty()) xattrs_.erase(s);
  else xattrs_[s] = std::move(attrs);
}

int64_t HeapInodeStore::lastSyncUs(InodeId id) const {
  uint32_t s = resolve(id);
  if (s == 0) return 0;
  return std::atomic_ref<int64_t>(slot(s).last_sync_us).load(std::memory_order_relaxed);
}

void HeapInodeStore::setLastSyncUs(InodeId id, int64_t us) const {
  uint32_t s = resolve(id);
  if (s != 0) std::atomic_ref<int64_t>(slot(s).last_sync_us).store(us, std::memory_order_relaxed);
}

Status HeapInodeStore::saveCheckpoint(std::ostream& out) const {
  BinaryWriter w(out);
  w.u64(kCheckpointMagic);
  w.u16(cluster_id_);
  w.u32(static_cast<uint32_t>(strings_.size()));
  for (const auto& s : strings_) w.str(s);
  w.u32(next_slot_);
  for (uint32_t s = kRootSlot; s < next_slot_; ++s) {
    const Slot& sl = slot(s);
    w.u16(sl.generation);
    w.u16(sl.flags);
    if (sl.flags & kFreeFlag) continue;
    w.u32(sl.parent);
    w.str(nameOf(s));
    w.u16(sl.mode);
    w.u16(sl.owner);
    w.u16(sl.group);
    w.u64(sl.size);
    w.i64(sl.mtime_ms);
    w.i64(sl.ctime_ms);
    w.u8(sl.type);
    auto sp = specials_.find(s);
    w.u8(sp != specials_.end() ? 1 : 0);
    if (sp != specials_.end()) {
      w.str(sp->second.symlink_target);
      w.u64(sp->second.rdev);
      w.i64(sp->second.atime_ms);
    }
  }
  // The free list in its exact order, so later allocations repeat those of the original run.
  for (uint32_t s = free_head_; s != 0; s = slot(s).next_sibling) w.u32(s);
  w.u32(0);
  // Extended attributes, in slot order (the checkpoint of equal states is equal).
  std::vector<uint32_t> with(xattrs_.size());
  size_t i = 0;
  for (const auto& [s, attrs] : xattrs_) with[i++] = s;
  std::sort(with.begin(), with.end());
  w.u32(static_cast<uint32_t>(with.size()));
  for (uint32_t s : with) {
    const XattrMap& attrs = xattrs_.at(s);
    w.u32(s);
    w.u32(static_cast<uint32_t>(attrs.size()));
    for (const auto& [name, value] : attrs) {
      w.str(name);
      w.str(value);
    }
  }
  w.finish();
  if (!w.ok()) return Status(StatusCode::kIoError, "writing the inode checkpoint failed");
  return Status::ok();
}

Status HeapInodeStore::loadCheckpoint(std::istream& in) {
  auto corrupt = [](const char* what) {
    return Status(StatusCode::kCorruption, fmt::format("inode checkpoint is corrupt ({})", what));
  };
  reset();
  BinaryReader r(in);
  uint64_t magic = 0;
  uint16_t cluster = 0;
  uint32_t nstrings = 0;
  if (!r.u64(&magic) || (magic != kCheckpointMagic && magic != kCheckpointMagicV1)) return corrupt("bad magic");
  const bool v1 = magic == kCheckpointMagicV1;
  if (!r.u16(&cluster) || cluster != cluster_id_) return corrupt("cluster id differs from shoal.master.cluster.id");
  if (!r.u32(&nstrings) || nstrings == 0 || nstrings > 65535) return corrupt("string table");
  strings_.clear();
  string_ids_.clear();
  for (uint32_t i = 0; i < nstrings; ++i) {
    std::string s;
    if (!r.str(&s, 1 << 16)) return corrupt("string table");
    string_ids_.emplace(s, static_cast<uint16_t>(i));
    strings_.push_back(std::move(s));
  }
  uint32_t next = 0;
  if (!r.u32(&next) || next <= kRootSlot) return corrupt("slot count");
  chunks_.clear();
  live_ = 0;
  for (uint32_t s = kRootSlot; s < next; ++s) {
    if (s / kSlotsPerChunk >= chunks_.size()) chunks_.emplace_back(new Slot[kSlotsPerChunk]);
    Slot& sl = slot(s);
    sl = Slot{};
    if (!r.u16(&sl.generation) || !r.u16(&sl.flags)) return corrupt("slot header");
    if (sl.flags & kFreeFlag) continue;
    std::string name;
    if (!r.u32(&sl.parent) || !r.str(&name, 255) || !r.u16(&sl.mode) || !r.u16(&sl.owner) || !r.u16(&sl.group) ||
        !r.u64(&sl.size) || !r.i64(&sl.mtime_ms)) {
      return corrupt("slot body");
    }
    if (v1) {
      sl.ctime_ms = sl.mtime_ms;
    } else {
      uint8_t extra = 0;
      if (!r.i64(&sl.ctime_ms) || !r.u8(&sl.type) || sl.type > kMaxType || sl.type == 1 || !r.u8(&extra) || extra > 1) {
        return corrupt("slot type");
      }
      if (extra) {
        Special sp;
        if (!r.str(&sp.symlink_target, 4096) || !r.u64(&sp.rdev) || !r.i64(&sp.atime_ms)) return corrupt("special file");
        specials_.emplace(s, std::move(sp));
      }
    }
    if (sl.owner >= nstrings || sl.group >= nstrings) return corrupt("owner index");
    if ((s == kRootSlot) != (sl.parent == 0) || sl.parent >= next) return corrupt("parent link");
    auto ref = arena_.add(name);
    if (!ref) return ref.error();
    sl.name_ref = *ref;
    sl.name_len = static_cast<uint8_t>(name.size());
    ++live_;
  }
  next_slot_ = next;
  free_head_ = 0;
  uint32_t tail = 0;
  for (;;) {
    uint32_t s = 0;
    if (!r.u32(&s)) return corrupt("free list");
    if (s == 0) break;
    if (s >= next || !(slot(s).flags & kFreeFlag)) return corrupt("free list entry");
    if (tail == 0) free_head_ = s;
    else slot(tail).next_sibling = s;
    slot(s).next_sibling = 0;
    tail = s;
  }
  if (!v1) {
    uint32_t n = 0;
    if (!r.u32(&n) || n > next) return corrupt("extended attributes");
    for (uint32_t k = 0; k < n; ++k) {
      uint32_t s = 0, count = 0;
      if (!r.u32(&s) || s >= next || s < kRootSlot || (slot(s).flags & kFreeFlag) || !r.u32(&count) || count == 0 ||
          count > 65536) {
        return corrupt("extended attributes");
      }
      XattrMap attrs;
      for (uint32_t j = 0; j < count; ++j) {
        std::string name, value;
        if (!r.str(&name, 255) || !r.str(&value, 1 << 16)) return corrupt("extended attribute");
        attrs.emplace(std::move(name), std::move(value));
      }
      xattrs_[s] = std::move(attrs);
    }
  }
  if (!r.verifyFinish()) return corrupt("checksum mismatch");
  for (uint32_t s = kRootSlot + 1; s < next; ++s) {
    if (slot(s).flags & kFreeFlag) continue;
    if (slot(slot(s).parent).flags & kFreeFlag) return corrupt("child of a free slot");
    linkChild(slot(s).parent, s);
    index_.insert(s);
  }
  return Status::ok();
}

}  // namespace shoal::master
