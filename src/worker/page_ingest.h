// Takes in the pages of a file a client is writing. Pages wait, held (never evicted), under the
// file's "being written" version until the writer commits the file's final size and mtime; then
// they are renamed to that version in one step and readers can find them. A writer that fails or
// dies never commits, and abort() removes what it sent. While the worker is being decommissioned
// it takes no new file and no copies, but the writes already under way finish, so the hand-over
// can wait for them. Thread-safe (one session per stream).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "worker/pagestore/page_store.h"

namespace shoal::worker {

class PageIngest {
 public:
  PageIngest(PageStore& store, uint64_t page_size) : store_(store), page_size_(page_size) {}

  // One write session: the stream of one writer to this worker.
  class Session {
   public:
    Session(PageIngest& owner) : owner_(owner) {}
    ~Session();
    Status addPage(uint64_t file_id, const std::string& path, uint64_t page_size, uint64_t index,
                   std::string_view data);
    // Caches a copy of page `index` of a complete file of that size and mtime (passive caching).
    Status addCopy(uint64_t file_id, const std::string& path, uint64_t page_size, uint64_t index, uint64_t file_size,
                   int64_t mtime_ms, std::string_view data);
    // Publishes the pages. Every page sent must fit the final size.
    Result<uint64_t> commit(uint64_t file_size, int64_t mtime_ms);

   private:
    Status checkPage(uint64_t file_id, const std::string& path, uint64_t page_size, uint64_t index,
                     std::string_view data) const;
    // Counts this session among the writes under way once its first page is taken.
    void begin();
    void end();
    PageIngest& owner_;
    bool counted_ = false;
    uint64_t file_id_ = 0;
    std::string path_;
    uint64_t pages_ = 0;
    uint64_t max_index_ = 0;
    bool done_ = false;
  };

  // False while decommissioning: new files and copies are refused (Unavailable, naming why).
  void setAccepting(bool accepting) { accepting_.store(accepting); }
  bool accepting() const { return accepting_.load(); }
  // Files being written here that have pages and no commit yet.
  uint64_t writesInFlight() const { return in_flight_.load(); }

 private:
  Status refuseNew(const std::string& path) const;
  PageStore& store_;
  const uint64_t page_size_;
  std::atomic<bool> accepting_{true};
  std::atomic<uint64_t> in_flight_{0};
};

}  // namespace shoal::worker
