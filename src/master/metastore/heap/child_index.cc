#include "master/metastore/heap/child_index.h"

#include <xxhash.h>

namespace shoal::master {

namespace {
constexpr size_t kInitialCapacity = 1024;
}

ChildIndex::ChildIndex(KeyOf key_of) : key_of_(std::move(key_of)), table_(kInitialCapacity, 0) {}

uint64_t ChildIndex::hash(uint32_t parent, std::string_view name) {
  return XXH3_64bits_withSeed(name.data(), name.size(), parent);
}

size_t ChildIndex::home(uint32_t slot) const {
  Key k = key_of_(slot);
  return hash(k.parent, k.name) & (table_.size() - 1);
}

uint32_t ChildIndex::find(uint32_t parent, std::string_view name) const {
  size_t mask = table_.size() - 1;
  for (size_t i = hash(parent, name) & mask;; i = (i + 1) & mask) {
    uint32_t s = table_[i];
    if (s == 0) return 0;
    Key k = key_of_(s);
    if (k.parent == parent && k.name == name) return s;
  }
}

void ChildIndex::insert(uint32_t slot) {
  if ((count_ + 1) * 4 > table_.size() * 3) grow();
  size_t mask = table_.size() - 1;
  size_t i = home(slot);
  while (table_[i] != 0) i = (i + 1) & mask;
  table_[i] = slot;
  ++count_;
}

void ChildIndex::erase(uint32_t slot) {
  size_t mask = table_.size() - 1;
  size_t i = home(slot);
  while (table_[i] != slot) {
    if (table_[i] == 0) return;
    i = (i + 1) & mask;
  }
  // Backward-shift: move later entries of the probe run into the hole when that keeps them
  // reachable from their home position.
  size_t hole = i;
  for (size_t j = (hole + 1) & mask; table_[j] != 0; j = (j + 1) & mask) {
    size_t h = home(table_[j]);
    bool movable = (hole <= j) ? (h <= hole || h > j) : (h <= hole && h > j);
    if (movable) {
      table_[hole] = table_[j];
      hole = j;
    }
  }
  table_[hole] = 0;
  --count_;
}

void ChildIndex::grow() {
  std::vector<uint32_t> old;
  old.swap(table_);
  table_.assign(old.size() * 2, 0);
  size_t mask = table_.size() - 1;
  for (uint32_t s : old) {
    if (s == 0) continue;
    size_t i = home(s);
    while (table_[i] != 0) i = (i + 1) & mask;
    table_[i] = s;
  }
}

void ChildIndex::clear() {
  table_.assign(kInitialCapacity, 0);
  count_ = 0;
}

}  // namespace shoal::master
