// Reads Shoal files through the workers. Each page goes to its owner on the consistent-hash ring
// (no master round trip); if that worker cannot be reached the next workers on the ring are
// tried, and when none can serve, the client reads the store directly. An error is returned only
// when the store itself fails, or the file changed in the store since its metadata was read
// (FailedPrecondition: re-read the metadata, then read again). Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <span>

#include "stubs/ufs_direct.h"
#include "client/worker_pool.h"
#include "common/configuration.h"
#include "common/live_config.h"

namespace shoal::client {

struct ClientSettings;
struct PlannedBatch;
struct PlannedPiece;

// One range of a batched read: up to out.size() bytes at `offset`.
struct RangeRead {
  uint64_t offset = 0;
  std::span<char> out;
};

struct ReaderCounters {
  std::atomic<uint64_t> worker_reads{0};
  std::atomic<uint64_t> data_port_reads{0};  // of worker_reads, those over the TCP data port
  std::atomic<uint64_t> worker_failovers{0};  // a worker could not be reached; the next was tried
  std::atomic<uint64_t> store_fallbacks{0};   // no worker could serve; read from the store directly
  std::atomic<uint64_t> short_circuit_reads{0};  // pages read from a local worker's page files
  std::atomic<uint64_t> readahead_requests{0};   // ranges sent to workers ahead of a sequential reader
  std::atomic<uint64_t> passive_copies{0};       // pages copied into this host's worker (passive caching)
  std::atomic<uint64_t> passive_hits{0};         // pages read from this host's worker's copies
  // Bytes read by source: a local worker's page files, a worker over the network, the store.
  std::atomic<uint64_t> short_circuit_bytes{0};
  std::atomic<uint64_t> worker_bytes{0};
  std::atomic<uint64_t> store_bytes{0};
};

class FileReader {
 public:
  // `workers` and `direct` are shared with the writers (client::Context owns them).
  FileReader(const Configuration& conf, WorkerPool& workers, stubs::UfsDirect& direct);
  ~FileReader();

  // Reads up to buf.size() bytes at `offset` (fewer at the end of the file). A read that starts
  // where the previous read of the file ended is sequential: the next pages are cached ahead.
  Result<size_t> pread(const proto::FileInfo& file, uint64_t offset, std::span<char> buf);
  // Reads many ranges of one file at once: the pieces each worker owns go to it as one request
  // (a few, for very many or very large ranges), all workers at the same time; pieces a worker on
  // this host owns are read from its page files. A request that fails is redone range by range
  // through pread (fail-over, store fallback). The bytes read into each range: fewer at the end of
  // the file, none past it.
  Result<std::vector<size_t>> preadRanges(const proto::FileInfo& file, std::span<const RangeRead> ranges);
  // Caches [offset, offset+length) of the file in the workers without reading it here (load).
  Status load(const proto::FileInfo& file, uint64_t offset, uint64_t length);
  const ReaderCounters& counters() const { return counters_; }
  // Read-ahead and passive caching come from this reader's configuration until new settings
  // arrive (client::Context applies every later version of the hot keys).
  void applySettings(std::shared_ptr<const ClientSettings> settings);

 private:
  struct Impl;
  // pread, with or without read-ahead (a batched read's pieces are not a sequential stream).
  Result<size_t> read(const proto::FileInfo& file, uint64_t offset, std::span<char> buf, bool read_ahead);
  // A piece of a batched read on its own; short is an error (the file changed).
  Status readPiece(const proto::FileInfo& file, const PlannedPiece& piece, std::span<const RangeRead> ranges);
  void readAhead(const proto::FileInfo& file, uint64_t offset, uint64_t end);
  bool isLocal(const stubs::WorkerEndpoint& w) const;
  // Short-circuit reads of [pos, run_end) from `w`, page by page, until one fails; returns where it stopped.
  uint64_t readShortCircuit(const stubs::WorkerEndpoint& w, const proto::FileInfo& file, uint64_t offset, uint64_t pos,
                            uint64_t run_end, std::span<char> buf, bool hit_only);
  // Passive caching: copies the whole pages of [pos, end) (bytes at `data`) into worker `w`.
  void copyPages(const stubs::WorkerEndpoint& w, const proto::FileInfo& file, uint64_t pos, uint64_t end, const char* data);
  // Reads [offset, offset+len) from one worker. `unreachable` tells a transport failure (try
  // another worker) from an answer (the worker's error is final).
  Status readFrom(const stubs::WorkerEndpoint& w, const proto::FileInfo& file, uint64_t offset, uint64_t len, char* out,
                  bool* unreachable);
  // Sends `req` (a range or extents) to one worker; the bytes land at `out` back to back.
  Status readFrom(const stubs::WorkerEndpoint& w, const proto::ReadRequest& req, char* out, bool* unreachable);
  // One request of a batched read, its pieces copied into the caller's ranges; redone piece by
  // piece through pread if the worker could not serve it.
  Status readBatch(const proto::FileInfo& file, const PlannedBatch& batch, std::span<const RangeRead> ranges);
  // A file with no store copy whose owner on `ring` lacks pages of [pos, end): reads them page by
  // page from the next workers of the ring and the draining ones. False if some page is nowhere.
  bool readElsewhere(const stubs::WorkerRing& ring, const proto::FileInfo& file, uint64_t pos, uint64_t end,
                     char* out);

  std::unique_ptr<Impl> impl_;
  ReaderCounters counters_;
};

}  // namespace shoal::client
