// The (parent slot, name) -> child slot index of the heap metastore: open addressing with linear
// probing over 4-byte slot numbers, backward-shift deletion (no tombstones), grown at 3/4 load.
// The key is not stored; it is read back from the slot through the KeyOf callback, which is what
// keeps the index at 4-8 bytes per inode. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace shoal::master {

class ChildIndex {
 public:
  struct Key {
    uint32_t parent;
    std::string_view name;
  };
  using KeyOf = std::function<Key(uint32_t slot)>;

  explicit ChildIndex(KeyOf key_of);
  uint32_t find(uint32_t parent, std::string_view name) const;  // 0 when absent
  // REQUIRES: no entry with the same key.
  void insert(uint32_t slot);
  void erase(uint32_t slot);
  void clear();
  size_t capacity() const { return table_.size(); }

 private:
  static uint64_t hash(uint32_t parent, std::string_view name);
  size_t home(uint32_t slot) const;
  void grow();

  KeyOf key_of_;
  std::vector<uint32_t> table_;
  size_t count_ = 0;
};

}  // namespace shoal::master
