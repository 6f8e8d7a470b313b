#include "worker/pagestore/page_key.h"

#include <fmt/format.h>
#include <xxhash.h>

namespace shoal::worker {

std::string PageKey::relativePath() const { return fmt::format("{:016x}/{:016x}/{}", file_id, version, index); }

std::string PageKey::toString() const { return fmt::format("file {} version {:x} page {}", file_id, version, index); }

size_t PageKeyHash::operator()(const PageKey& k) const {
  uint64_t v[3] = {k.file_id, k.version, k.index};
  return static_cast<size_t>(XXH3_64bits(v, sizeof(v)));
}

uint64_t fileVersion(uint64_t size, int64_t mtime_ms, const std::string& content_hash) {
  XXH3_state_t* st = XXH3_createState();
  XXH3_64bits_reset(st);
  XXH3_64bits_update(st, &size, sizeof(size));
  XXH3_64bits_update(st, &mtime_ms, sizeof(mtime_ms));
  XXH3_64bits_update(st, content_hash.data(), content_hash.size());
  uint64_t v = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  return v == kWritingVersion ? 1 : v;  // 0 marks pages still being written
}

}  // namespace shoal::worker
