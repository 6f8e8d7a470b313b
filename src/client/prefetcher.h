// Asks workers, in the background, to cache ranges of files without sending the bytes back: the
// read-ahead of sequential readers and `shoal fs load`. Each range goes to the owners of its pages
// on the ring. Best effort: a failed prefetch only means a later read misses. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "client/worker_pool.h"
#include "common.pb.h"

namespace shoal::client {

class Prefetcher {
 public:
  Prefetcher(WorkerPool& workers, uint64_t page_size, int threads);
  ~Prefetcher();

  // Queues [offset, offset+length) of `file`; dropped when the queue is long (readers outran us).
  void submit(const proto::FileInfo& file, uint64_t offset, uint64_t length);
  // Caches the range now, in the caller's thread. Errors name the worker and the file.
  Status load(const proto::FileInfo& file, uint64_t offset, uint64_t length);

 private:
  struct Task {
    proto::FileInfo file;
    uint64_t offset;
    uint64_t length;
  };
  void run();

  WorkerPool& workers_;
  const uint64_t page_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace shoal::client
