// Bytes of inode names, packed in 1 MiB chunks and addressed by a 32-bit reference
// ([chunk:12][offset:20]). The space of a released name is kept on a free list of its length and
// given to the next name of that length, so create/delete and rename churn reuses space at once
// (a checkpoint load packs the arena again). Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace shoal::master {

class NameArena {
 public:
  static constexpr uint32_t kChunkBits = 20;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr uint32_t kMaxChunks = 1u << (32 - kChunkBits);

  // Names are at most 255 bytes, so one never spans two chunks.
  Result<uint32_t> add(std::string_view name);
  // The name at `ref` (of `len` bytes) is no longer used.
  void release(uint32_t ref, uint8_t len) {
    if (len > 0) free_[len].push_back(ref);
  }
  std::string_view view(uint32_t ref, uint8_t len) const {
    if (len == 0) return {};  // the root's name; there may be no chunk yet
    return std::string_view(chunks_[ref >> kChunkBits].get() + (ref & (kChunkSize - 1)), len);
  }
  void clear();
  size_t bytesAllocated() const { return chunks_.size() * static_cast<size_t>(kChunkSize); }

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  uint32_t used_in_last_ = kChunkSize;
  std::array<std::vector<uint32_t>, 256> free_;  // released refs by name length
};

}  // namespace shoal::master
