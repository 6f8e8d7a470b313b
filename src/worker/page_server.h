// Serves reads of file ranges from the page store, filling misses from the under-store. Concurrent
// misses of one page become one store read (single flight); a page is cached under the file's
// version, and only after the store confirmed the file still has that version. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "stubs/ufs_direct.h"
#include "worker.pb.h"
#include "worker/pagestore/page_store.h"

namespace shoal::worker {

struct ReadCounters {
  std::atomic<uint64_t> store_reads{0};
  std::atomic<uint64_t> store_read_bytes{0};
  std::atomic<uint64_t> cache_hits{0};
  std::atomic<uint64_t> cache_misses{0};
  std::atomic<uint64_t> short_circuit_opens{0};
  // Bytes handed to clients by each path (short-circuit: the lengths of the page files passed).
  std::atomic<uint64_t> served_grpc_bytes{0};
  std::atomic<uint64_t> served_data_port_bytes{0};
  std::atomic<uint64_t> served_short_circuit_bytes{0};
  // Read requests that return bytes (not prefetches), by transport: a batched range read is one.
  std::atomic<uint64_t> read_requests_grpc{0};
  std::atomic<uint64_t> read_requests_data_port{0};
  // The miss path: pages being read from a store now (each by the request that missed first; no
  // queue), and requests that waited on another's read of the same page instead of reading it again.
  std::atomic<int64_t> misses_in_flight{0};
  std::atomic<uint64_t> misses_joined{0};
};

// One piece of a read: `length` bytes at `offset` of the file, found either in a cached page file
// (`fd` at `fd_offset`, valid during the callback) or in memory (`data`: a page just fetched).
struct ReadSlice {
  uint64_t offset = 0;
  uint64_t length = 0;
  int fd = -1;
  uint64_t fd_offset = 0;
  const char* data = nullptr;
};

class PageServer {
 public:
  PageServer(PageStore& store, stubs::UfsDirect& ufs, uint64_t page_size)
      : store_(store), ufs_(ufs), page_size_(page_size) {}

  // Checks a read request against the file it names (offset within the file); the [start, end)
  // ranges it covers, in order: its extents (already checked), or its one range cut at the end.
  Result<std::vector<std::pair<uint64_t, uint64_t>>> ranges(const proto::ReadRequest& req) const;
  // Emits the ranges as consecutive slices (at most one page each), so each transport moves bytes
  // its cheapest way (pread into a reply, sendfile); stops when `emit` returns false.
  Status read(const proto::ReadRequest& req, const std::function<bool(const ReadSlice&)>& emit);
  // The cached page file for a client on this host (short-circuit), caching it first on a miss.
  // Unavailable when the page cannot be cached (cache full of pinned pages).
  Result<PageHandle> openPage(const proto::ReadRequest& req);
  // The cached page file of page `index` of the file `req` describes, only if cached (no store read).
  std::optional<PageHandle> cachedPage(const proto::ReadRequest& req, uint64_t index);
  const ReadCounters& counters() const { return counters_; }
  ReadCounters& counters() { return counters_; }
  uint64_t pageSize() const { return page_size_; }
  // Bytes read from stores to fill misses, by mount point.
  std::map<std::string, uint64_t> storeReadBytesByMount() const { return ufs_.readBytesByMount(); }

 private:
  using Page = std::shared_ptr<const std::string>;
  Status readRange(const proto::ReadRequest& req, uint64_t start, uint64_t end,
                   const std::function<bool(const ReadSlice&)>& emit);
  Result<Page> fetchMiss(const proto::ReadRequest& req, const PageKey& key, uint64_t page_len);

  PageStore& store_;
  stubs::UfsDirect& ufs_;
  const uint64_t page_size_;
  ReadCounters counters_;
  std::mutex mu_;
  std::unordered_map<PageKey, std::shared_future<Result<Page>>, PageKeyHash> inflight_;  // guarded by mu_
};

}  // namespace shoal::worker
