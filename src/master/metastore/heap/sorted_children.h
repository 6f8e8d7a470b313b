// The children of one large directory in name order, so a listing page costs O(log n + page)
// instead of a scan of the whole directory per page (an S3 client paging through a million keys
// would otherwise cost the master n²/1000 name comparisons). Slot numbers (4 bytes each) sit in
// blocks of at most kBlockMax, so an insert or erase moves at most one block's worth of memory;
// names are not copied, they are read back through the store's name function. Not thread-safe:
// the store's lock covers it.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace shoal::master {

class SortedChildren {
 public:
  using NameOf = std::function<std::string_view(uint32_t slot)>;
  static constexpr size_t kBlockMax = 512;

  // `slot`'s name must be unique among the children and readable through `name_of` for as long as
  // it is held (erase before the name changes or is freed).
  void insert(uint32_t slot, const NameOf& name_of);
  // False if `slot` is not held under its current name.
  bool erase(uint32_t slot, const NameOf& name_of);
  // Up to `limit` children whose names are > start_after ("" for the first), in name order.
  void page(std::string_view start_after, size_t limit, const NameOf& name_of, std::vector<uint32_t>* out,
            bool* has_more) const;
  size_t size() const { return size_; }

 private:
  // The block that holds, or would hold, `name`.
  size_t blockFor(std::string_view name, const NameOf& name_of) const;

  std::vector<std::vector<uint32_t>> blocks_;  // each non-empty, in order
  size_t size_ = 0;
};

}  // namespace shoal::master
