#include "master/metastore/heap/sorted_children.h"

#include <algorithm>

namespace shoal::master {

size_t SortedChildren::blockFor(std::string_view name, const NameOf& name_of) const {
  // The last block whose first name is <= name; the first block for names before every block.
  auto it = std::upper_bound(blocks_.begin(), blocks_.end(), name,
                             [&](std::string_view n, const std::vector<uint32_t>& b) { return n < name_of(b.front()); });
  return it == blocks_.begin() ? 0 : static_cast<size_t>(it - blocks_.begin()) - 1;
}

void SortedChildren::insert(uint32_t slot, const NameOf& name_of) {
  ++size_;
  if (blocks_.empty()) {
    blocks_.push_back({slot});
    return;
  }
  std::string_view name = name_of(slot);
  size_t b = blockFor(name, name_of);
  auto& block = blocks_[b];
  auto pos = std::lower_bound(block.begin(), block.end(), name,
                              [&](uint32_t s, std::string_view n) { return name_of(s) < n; });
  block.insert(pos, slot);
  if (block.size() > kBlockMax) {
    std::vector<uint32_t> upper(block.begin() + static_cast<long>(kBlockMax / 2), block.end());
    block.resize(kBlockMax / 2);
    blocks_.insert(blocks_.begin() + static_cast<long>(b) + 1, std::move(upper));
  }
}

bool SortedChildren::erase(uint32_t slot, const NameOf& name_of) {
  if (blocks_.empty()) return false;
  std::string_view name = name_of(slot);
  size_t b = blockFor(name, name_of);
  auto& block = blocks_[b];
  auto pos = std::lower_bound(block.begin(), block.end(), name,
                              [&](uint32_t s, std::string_view n) { return name_of(s) < n; });
  if (pos == block.end() || *pos != slot) return false;
  block.erase(pos);
  --size_;
  if (block.empty()) {
    blocks_.erase(blocks_.begin() + static_cast<long>(b));
  } else if (b + 1 < blocks_.size() && block.size() + blocks_[b + 1].size() <= kBlockMax / 2) {
    // Keep blocks from thinning out under deletes: merge with the next while both are small.
    block.insert(block.end(), blocks_[b + 1].begin(), blocks_[b + 1].end());
    blocks_.erase(blocks_.begin() + static_cast<long>(b) + 1);
  }
  return true;
}

void SortedChildren::page(std::string_view start_after, size_t limit, const NameOf& name_of,
                          std::vector<uint32_t>* out, bool* has_more) const {
  out->clear();
  *has_more = false;
  if (blocks_.empty()) return;
  size_t b = start_after.empty() ? 0 : blockFor(start_after, name_of);
  auto pos = blocks_[b].begin();
  if (!start_after.empty()) {
    pos = std::upper_bound(blocks_[b].begin(), blocks_[b].end(), start_after,
                           [&](std::string_view n, uint32_t s) { return n < name_of(s); });
  }
  for (;;) {
    for (; pos != blocks_[b].end(); ++pos) {
      if (out->size() == limit) {
        *has_more = true;
        return;
      }
      out->push_back(*pos);
    }
    if (++b == blocks_.size()) return;
    pos = blocks_[b].begin();
  }
}

}  // namespace shoal::master
