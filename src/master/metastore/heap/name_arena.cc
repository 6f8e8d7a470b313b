#include "master/metastore/heap/name_arena.h"

#include <cstring>

namespace shoal::master {

Result<uint32_t> NameArena::add(std::string_view name) {
  if (name.empty()) return 0u;  // the root; view() never dereferences a zero-length name
  if (auto& spare = free_[name.size()]; !spare.empty()) {
    uint32_t ref = spare.back();
    spare.pop_back();
    std::memcpy(chunks_[ref >> kChunkBits].get() + (ref & (kChunkSize - 1)), name.data(), name.size());
    return ref;
  }
  if (used_in_last_ + name.size() > kChunkSize) {
    if (chunks_.size() >= kMaxChunks) {
      return makeError(Status(StatusCode::kUnavailable,
                              "heap metastore: name arena is full (4 GiB of names); use a larger metastore"));
    }
    // Uninitialised on purpose: pages are only touched (and so only cost memory) as names land.
    chunks_.emplace_back(new char[kChunkSize]);
    used_in_last_ = 0;
  }
  uint32_t ref = (static_cast<uint32_t>(chunks_.size() - 1) << kChunkBits) | used_in_last_;
  std::memcpy(chunks_.back().get() + used_in_last_, name.data(), name.size());
  used_in_last_ += static_cast<uint32_t>(name.size());
  return ref;
}

void NameArena::clear() {
  chunks_.clear();
  used_in_last_ = kChunkSize;
  for (auto& f : free_) f.clear();
}

}  // namespace shoal::master
