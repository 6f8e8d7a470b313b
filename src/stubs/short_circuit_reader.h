// Short-circuit reads from a worker on the same host: the worker passes the cached page file's
// descriptor over its Unix socket and the client preads the page itself. Descriptors are kept
// (bounded) so a page read again costs no round trip; a page file evicted meanwhile still holds
// the same version's bytes, so a kept descriptor can never serve stale data. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common.pb.h"
#include "common/status.h"

namespace shoal::stubs {

class ShortCircuitReader {
 public:
  explicit ShortCircuitReader(size_t max_open_pages = 512) : max_open_(max_open_pages) {}
  ~ShortCircuitReader();

  // Reads `out.size()` bytes at `in_page` of page `page` (page_size bytes each) of `file`. With
  // `hit_only`, a page the worker has not cached is an error, never a store read.
  Status read(const std::string& socket_path, const proto::FileInfo& file, uint64_t page_size, uint64_t page,
              uint64_t in_page, std::span<char> out, bool hit_only = false);
  uint64_t reads() const { return reads_.load(); }

 private:
  // The descriptor closes when the last reader holding it is done, even if evicted meanwhile.
  struct OpenPage {
    std::shared_ptr<const int> fd;
    uint64_t length;
  };
  using Key = std::tuple<std::string, uint64_t, int64_t, uint64_t, uint64_t>;  // socket, id, mtime, size, page
  Result<OpenPage> open(const std::string& socket_path, const proto::FileInfo& file, uint64_t page_size, uint64_t page,
                        bool hit_only);
  Result<int> connection(const std::string& socket_path);
  void release(const std::string& socket_path, int conn);

  static constexpr uint64_t kRunPages = 32;  // pages asked for per round trip to the worker
  static constexpr size_t kStreams = 256;     // files tracked for sequential access (by id, hashed)
  const size_t max_open_;
  std::mutex mu_;
  std::map<Key, OpenPage> open_;                    // guarded by mu_
  std::list<Key> order_;                            // oldest first; guarded by mu_
  std::map<std::string, std::vector<int>> idle_;    // idle connections per socket; guarded by mu_
  std::array<uint64_t, kStreams> last_page_{};      // last page opened, per file slot; guarded by mu_
  std::atomic<uint64_t> reads_{0};
};

}  // namespace shoal::stubs
