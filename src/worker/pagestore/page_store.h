// The worker's page cache: pages of files in tiers (MEM on /dev/shm, then SSD directories), each a
// directory with a byte capacity. New pages go to the first tier with room; when every tier is
// full, the eviction policy (LRU, across tiers) picks pages to drop, never pages of pinned files.
// On open, the index is rebuilt from what the tier directories hold; such pages are verified by
// checksum on their first read, and a bad one is dropped and reported as a miss, never served.
// Thread-safe: the index is guarded by one mutex; file I/O (writes, reads, verification, the
// renames of a publish, unlinks) runs outside it.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "worker/pagestore/eviction_policy.h"
#include "worker/pagestore/page_key.h"

namespace shoal::worker {

struct TierConfig {
  std::string name;  // "MEM", "SSD0", ...
  std::string dir;
  uint64_t capacity = 0;
};

struct TierStats {
  std::string name;
  std::string dir;
  uint64_t capacity = 0;
  uint64_t used = 0;
  uint64_t pages = 0;
};

// An open cached page: read `length` bytes from `fd` at offset 0. Owns the descriptor.
class PageHandle {
 public:
  PageHandle(int fd, uint64_t length) : fd_(fd), length_(length) {}
  ~PageHandle();
  PageHandle(PageHandle&& o) noexcept : fd_(o.fd_), length_(o.length_) { o.fd_ = -1; }
  PageHandle& operator=(PageHandle&&) = delete;
  int fd() const { return fd_; }
  uint64_t length() const { return length_; }

 private:
  int fd_;
  uint64_t length_;
};

class PageStore {
 public:
  static Result<std::unique_ptr<PageStore>> open(std::vector<TierConfig> tiers);

  // Caches a page. Fails (Unavailable) when it cannot fit without evicting pinned pages. A `held`
  // page (being written, the only copy) is never evicted until publishVersion releases it.
  Status put(const PageKey& key, std::span<const char> data, bool held = false);
  // nullopt on a miss (including a page dropped because its checksum failed).
  std::optional<PageHandle> get(const PageKey& key);
  bool contains(const PageKey& key) const;

  void pinFile(uint64_t file_id);
  void unpinFile(uint64_t file_id);
  // Replaces the pinned set (the master sends it in full with every heartbeat).
  void setPinnedFiles(std::unordered_set<uint64_t> file_ids);
  size_t pinnedFiles() const;
  // Renames every page of (file_id, from) to version `to`: a written file's pages become readable.
  // Returns how many pages moved.
  size_t publishVersion(uint64_t file_id, uint64_t from, uint64_t to);
  // Drops every page of the file; with `keep_version`, only pages of other versions.
  void removeFile(uint64_t file_id, std::optional<uint64_t> keep_version = std::nullopt);
  // Drops the pages of one version of the file.
  void removeVersion(uint64_t file_id, uint64_t version);
  std::vector<PageKey> pagesOf(uint64_t file_id) const;
  // Every file with a page here (any version), in no particular order.
  std::vector<uint64_t> fileIds() const;
  std::vector<TierStats> stats() const;
  // Pages dropped because they failed verification (for metrics and tests).
  uint64_t corruptPagesDropped() const;
  // Pages evicted to make room (for metrics).
  uint64_t evictions() const;

 private:
  struct Entry {
    size_t tier;
    uint64_t bytes;  // on disk, trailer included
    bool verified;
    bool ready;      // false while its file is being written: a miss, and never evicted
    bool held = false;  // a written file's page before its writer committed: never evicted
    // Which incarnation of the key this is: a caller that looked the entry up, dropped the lock
    // and comes back must not act on a newer entry of the same key (a reader dropping a page
    // file that vanished had erased a writer's fresh entry mid-write).
    uint64_t gen = 0;
  };
  struct Tier {
    TierConfig config;
    uint64_t used = 0;
    uint64_t pages = 0;
  };
  explicit PageStore(std::vector<TierConfig> tiers);
  Status rebuild();
  std::string pathOf(size_t tier, const PageKey& key) const;
  // REQUIRES mu_. Adds or replaces an index entry and its place in by_file_.
  void insertLocked(const PageKey& key, const Entry& e);
  // REQUIRES mu_. Drops `key` from by_file_ (the caller erases it from index_).
  void unindexLocked(const PageKey& key);
  // REQUIRES mu_. Every key of the file, in O(its pages), not O(the cache).
  std::vector<PageKey> keysOfLocked(uint64_t file_id) const;
  // REQUIRES mu_. Removes the entry and queues its file for deletion.
  void eraseLocked(const PageKey& key, std::vector<std::string>* unlink);
  // REQUIRES mu_. Whether eviction may take the page. The policy holds exactly these pages.
  bool evictableLocked(const PageKey& key, const Entry& e) const;
  // REQUIRES mu_. Pinning takes the file's pages out of the policy; unpinning puts them back.
  void pinLocked(uint64_t file_id);
  void unpinLocked(uint64_t file_id);
  // REQUIRES mu_. Picks a tier with room for `bytes`, evicting as needed.
  Result<size_t> reserveLocked(uint64_t bytes, std::vector<std::string>* unlink);

  mutable std::mutex mu_;
  std::vector<Tier> tiers_;                                       // guarded by mu_
  std::unordered_map<PageKey, Entry, PageKeyHash> index_;         // guarded by mu_
  // The keys of index_ by file: per-file operations (publish, remove, list) cost the file's pages.
  std::unordered_map<uint64_t, std::unordered_set<PageKey, PageKeyHash>> by_file_;  // guarded by mu_
  uint64_t next_gen_ = 1;  // guarded by mu_
  std::unordered_set<uint64_t> pinned_;                           // guarded by mu_
  std::unique_ptr<EvictionPolicy> policy_;                        // guarded by mu_
  uint64_t corrupt_dropped_ = 0;                                  // guarded by mu_
  uint64_t evictions_ = 0;                                        // guarded by mu_
};

}  // namespace shoal::worker
