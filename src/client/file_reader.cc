#include "client/file_reader.h"

#include <chrono>
#include <cstring>
#include <thread>
#include <unordered_map>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "client/client_settings.h"
#include "client/range_plan.h"
#include "stubs/data_client.h"
#include "client/prefetcher.h"
#include "stubs/read_request.h"
#include "stubs/short_circuit_reader.h"
#include "common/net_host.h"
#include "rpc/status_convert.h"
#include "worker.grpc.pb.h"

namespace shoal::client {

struct FileReader::Impl {
  WorkerPool& workers;
  stubs::UfsDirect& direct;
  uint64_t page_size;
  stubs::ShortCircuitReader short_circuit;
  bool short_circuit_enabled;
  stubs::DataClient data;
  bool tcp_transport;
  // Read-ahead and passive caching, per path (hot: followConfig swaps them).
  std::atomic<std::shared_ptr<const ClientSettings>> settings;
  std::string user_host;
  Prefetcher prefetcher;
  std::mutex mu;
  // Per file: where its last read ended, and how far read-ahead has been asked for.
  struct Stream {
    uint64_t next = 0;
    uint64_t ahead = 0;
  };
  std::unordered_map<uint64_t, Stream> streams;  // guarded by mu

  Impl(const Configuration& c, WorkerPool& w, stubs::UfsDirect& d)
      : workers(w),
        direct(d),
        page_size(c.getBytes(keys::kWorkerPageSize)),
        short_circuit_enabled(c.getBool(keys::kUserShortCircuitEnabled)),
        data(c.getDurationMs(keys::kUserRpcTimeout), c.getDurationMs(keys::kUserDataConnectTimeout)),
        tcp_transport(c.getString(keys::kUserDataTransport) == "tcp"),
        settings(ClientSettings::from(c)),
        user_host(c.getString(keys::kUserHostname)),
        // Threads even while read-ahead is off: it may be turned on at run time.
        prefetcher(workers, page_size, 2) {}
};

FileReader::FileReader(const Configuration& conf, WorkerPool& workers, stubs::UfsDirect& direct)
    : impl_(std::make_unique<Impl>(conf, workers, direct)) {}
FileReader::~FileReader() = default;

void FileReader::applySettings(std::shared_ptr<const ClientSettings> settings) {
  impl_->settings.store(std::move(settings));
}

Status FileReader::load(const proto::FileInfo& file, uint64_t offset, uint64_t length) {
  return impl_->prefetcher.load(file, offset, length);
}

void FileReader::readAhead(const proto::FileInfo& file, uint64_t offset, uint64_t end) {
  const uint64_t readahead_pages = impl_->settings.load()->readahead_pages.at(file.path());
  if (readahead_pages == 0) return;
  const uint64_t ps = impl_->page_size;
  uint64_t from = 0, to = 0;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->streams.size() > 4096) impl_->streams.clear();  // bounded; a lost entry costs one miss
    Impl::Stream& s = impl_->streams[file.id()];
    bool sequential = offset == s.next && offset != 0;
    s.next = end;
    if (!sequential) return;
    // Ask for the window past this read that has not been asked for yet.
    uint64_t window_end = std::min(file.size(), ((end + ps - 1) / ps + readahead_pages) * ps);
    from = std::max(s.ahead, (end + ps - 1) / ps * ps);
    if (from >= window_end) return;
    to = window_end;
    s.ahead = window_end;
  }
  counters_.readahead_requests.fetch_add(1, std::memory_order_relaxed);
  impl_->prefetcher.submit(file, from, to - from);
}

bool FileReader::isLocal(const stubs::WorkerEndpoint& w) const {
  return impl_->user_host.empty() ? isLocalHost(w.host) : w.host == impl_->user_host;
}

uint64_t FileReader::readShortCircuit(const stubs::WorkerEndpoint& w, const proto::FileInfo& file, uint64_t offset,
                                      uint64_t pos, uint64_t run_end, std::span<char> buf, bool hit_only) {
  const uint64_t ps = impl_->page_size;
  uint64_t p = pos;
  while (p < run_end) {
    uint64_t pg = p / ps;
    uint64_t n = std::min(run_end, (pg + 1) * ps) - p;
    if (!impl_->short_circuit.read(w.domain_socket, file, ps, pg, p - pg * ps, {buf.data() + (p - offset), n}, hit_only)) {
      break;
    }
    counters_.short_circuit_reads.fetch_add(1, std::memory_order_relaxed);
    counters_.short_circuit_bytes.fetch_add(n, std::memory_order_relaxed);
    if (hit_only) counters_.passive_hits.fetch_add(1, std::memory_order_relaxed);
    p += n;
  }
  return p;
}

void FileReader::copyPages(const stubs::WorkerEndpoint& w, const proto::FileInfo& file, uint64_t pos, uint64_t end,
                           const char* data) {
  const uint64_t ps = impl_->page_size;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(impl_->workers.timeoutMs()));
  proto::WritePagesResponse resp;
  auto writer = impl_->workers.stub(w.address).WritePages(&ctx, &resp);
  proto::WritePagesRequest msg;
  msg.set_file_id(file.id());
  msg.set_path(file.path());
  msg.set_page_size(ps);
  msg.set_file_size(file.size());
  msg.set_mtime_ms(file.mtime_ms());
  msg.set_cached_copy(true);
  uint64_t copied = 0;
  for (uint64_t pg = (pos + ps - 1) / ps; pg * ps < end; ++pg) {
    uint64_t page_end = std::min(file.size(), (pg + 1) * ps);
    if (page_end > end) break;  // only whole pages are copied
    msg.set_index(pg);
    msg.set_data(data + (pg * ps - pos), page_end - pg * ps);
    if (!writer->Write(msg)) break;
    ++copied;
  }
  msg.Clear();
  msg.set_commit(true);  // ends the stream; copies need no publishing
  (void)(writer->Write(msg) && writer->WritesDone());
  // Best effort: a copy that failed only means the next read goes to the owner again.
  if (writer->Finish().ok()) counters_.passive_copies.fetch_add(copied, std::memory_order_relaxed);
}

Status FileReader::readFrom(const stubs::WorkerEndpoint& w, const proto::FileInfo& file, uint64_t offset, uint64_t len,
                            char* out, bool* unreachable) {
  proto::ReadRequest req = stubs::readRequestFor(file, offset, len);
  req.set_cache(true);
  req.set_cache_only(!file.persisted());
  return readFrom(w, req, out, unreachable);
}

Status FileReader::readFrom(const stubs::WorkerEndpoint& w, const proto::ReadRequest& req, char* out,
                            bool* unreachable) {
  *unreachable = false;
  const uint64_t len = stubs::requestedBytes(req);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(impl_->workers.timeoutMs()));
  if (impl_->tcp_transport && !w.data_address.empty()) {
    Status st = impl_->data.read(w.data_address, req, out, unreachable);
    if (st) {
      counters_.worker_reads.fetch_add(1, std::memory_order_relaxed);
      counters_.worker_bytes.fetch_add(len, std::memory_order_relaxed);
      counters_.data_port_reads.fetch_add(1, std::memory_order_relaxed);
    }
    return st;
  }
  auto reader = impl_->workers.stub(w.address).ReadPages(&ctx, req);
  proto::ReadChunk chunk;
  uint64_t got = 0;
  stubs::ReplyCursor cursor(req);
  while (reader->Read(&chunk)) {
    if (!cursor.advance(chunk.offset(), chunk.data().size())) {
      ctx.TryCancel();
      reader->Finish();
      return Status(StatusCode::kInternal, fmt::format("worker {} sent a chunk out of order", w.address));
    }
    std::memcpy(out + got, chunk.data().data(), chunk.data().size());
    got += chunk.data().size();
  }
  grpc::Status gs = reader->Finish();
  if (!gs.ok()) {
    // No Shoal code in the details: gRPC itself failed (worker down, connection lost, deadline).
    *unreachable = gs.error_details().empty();
    return rpc::fromGrpc(gs, "worker at " + w.address);
  }
  if (got != len) {
    return Status(StatusCode::kInternal, fmt::format("worker {} returned {} of {} bytes", w.address, got, len));
  }
  counters_.worker_reads.fetch_add(1, std::memory_order_relaxed);
  counters_.worker_bytes.fetch_add(len, std::memory_order_relaxed);
  return Status::ok();
}

bool FileReader::readElsewhere(const stubs::WorkerRing& ring, const proto::FileInfo& file, uint64_t pos, uint64_t end,
                               char* out) {
  // One worker joining or leaving moves a page between neighbours on the ring, so its holder under
  // the writer's list is among the first few candidates under ours; probing more would turn one
  // missing page into a request to every worker.
  constexpr size_t kNeighbours = 3;
  const uint64_t ps = impl_->page_size;
  for (uint64_t p = pos; p < end;) {
    uint64_t p_end = std::min(end, (p / ps + 1) * ps);
    char* p_out = out + (p - pos);
    bool got = false, unreachable = false;
    for (const stubs::WorkerEndpoint* w : ring.candidates(file.id(), p / ps, kNeighbours)) {
      if ((got = readFrom(*w, file, p, p_end - p, p_out, &unreachable).isOk())) break;
    }
    for (size_t d = 0; !got && d < ring.draining().size(); ++d) {
      got = readFrom(ring.draining()[d], file, p, p_end - p, p_out, &unreachable).isOk();
    }
    if (!got) return false;
    p = p_end;
  }
  return true;
}

namespace {

Status checkReadable(const proto::FileInfo& file) {
  if (file.is_dir()) return Status(StatusCode::kIsADirectory, file.path() + ": is a directory");
  // A link's size is its text's; Shoal never follows a link itself (the reader's kernel does).
  if (file.type() == proto::FILE_TYPE_SYMLINK) {
    return invalidArgument(file.path() + ": is a symbolic link (to " + file.symlink_target() + "); read its target");
  }
  if (file.type() != proto::FILE_TYPE_REGULAR) return invalidArgument(file.path() + ": not a regular file");
  return Status::ok();
}

}  // namespace

Result<std::vector<size_t>> FileReader::preadRanges(const proto::FileInfo& file, std::span<const RangeRead> ranges) {
  if (Status st = checkReadable(file); !st) return makeError(st);
  std::vector<size_t> got(ranges.size());
  std::vector<std::pair<uint64_t, uint64_t>> clipped;
  clipped.reserve(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    uint64_t start = std::min<uint64_t>(ranges[i].offset, file.size());
    uint64_t end = start + std::min<uint64_t>(ranges[i].out.size(), file.size() - start);
    clipped.emplace_back(start, end);
    got[i] = end - start;
  }
  std::shared_ptr<const stubs::WorkerRing> ring = impl_->workers.ring();
  RangePlan plan = planRanges(*ring, file.id(), impl_->page_size, clipped, PlanLimits{}, [&](const stubs::WorkerEndpoint& w) {
    return impl_->short_circuit_enabled && !w.domain_socket.empty() && isLocal(w);
  });
  // Every request (and every piece read on its own) is a task; a few threads run them at once.
  constexpr size_t kMaxConcurrent = 8;
  const size_t tasks = plan.batches.size() + plan.single.size();
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status failed;  // the first error, guarded by mu
  auto work = [&] {
    for (size_t t; (t = next.fetch_add(1)) < tasks;) {
      Status st;
      if (t < plan.batches.size()) {
        st = readBatch(file, plan.batches[t], ranges);
      } else {
        const PlannedPiece& p = plan.single[t - plan.batches.size()];
        st = readPiece(file, p, ranges);
      }
      if (!st) {
        std::lock_guard lock(mu);
        if (failed) failed = st;
        next.store(tasks);  // the call fails: start nothing more
      }
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (size_t i = 1; i < std::min(tasks, kMaxConcurrent); ++i) helpers.emplace_back(work);
    work();
  }
  if (!failed) return makeError(failed);
  return got;
}

Status FileReader::readPiece(const proto::FileInfo& file, const PlannedPiece& p, std::span<const RangeRead> ranges) {
  const RangeRead& r = ranges[p.range];
  auto n = read(file, p.offset, r.out.subspan(p.offset - r.offset, p.length), /*read_ahead=*/false);
  if (!n) return n.error();
  if (*n != p.length) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("{}: bytes {}-{} read short; the file changed, reload its metadata", file.path(),
                              p.offset, p.offset + p.length));
  }
  return Status::ok();
}

Status FileReader::readBatch(const proto::FileInfo& file, const PlannedBatch& batch, std::span<const RangeRead> ranges) {
  proto::ReadRequest req = stubs::readRequestFor(file, 0, 0);
  req.set_cache(true);
  req.set_cache_only(!file.persisted());
  for (const auto& [offset, length] : batch.extents) {
    proto::Extent* e = req.add_extents();
    e->set_offset(offset);
    e->set_length(length);
  }
  std::unique_ptr<char[]> reply(new char[batch.bytes]);  // every byte is written before it is read
  bool unreachable = false;
  if (readFrom(*batch.worker, req, reply.get(), &unreachable)) {
    for (const PlannedPiece& p : batch.pieces) {
      const RangeRead& r = ranges[p.range];
      std::memcpy(r.out.data() + (p.offset - r.offset), reply.get() + p.scratch, p.length);
    }
    return Status::ok();
  }
  // Whatever the worker's answer (down, not holding a page of a MUST_CACHE file, an older worker
  // that knows no extents), the single-range path knows what to do next.
  if (unreachable) {
    counters_.worker_failovers.fetch_add(1, std::memory_order_relaxed);
    impl_->workers.markStale();
  }
  for (const PlannedPiece& p : batch.pieces) {
    if (Status st = readPiece(file, p, ranges); !st) return st;
  }
  return Status::ok();
}

Result<size_t> FileReader::pread(const proto::FileInfo& file, uint64_t offset, std::span<char> buf) {
  return read(file, offset, buf, /*read_ahead=*/true);
}

Result<size_t> FileReader::read(const proto::FileInfo& file, uint64_t offset, std::span<char> buf, bool read_ahead) {
  if (Status st = checkReadable(file); !st) return makeError(st);
  if (offset >= file.size() || buf.empty()) return size_t{0};
  uint64_t end = offset + std::min<uint64_t>(buf.size(), file.size() - offset);
  std::shared_ptr<const stubs::WorkerRing> ring = impl_->workers.ring();
  std::vector<std::shared_ptr<const stubs::WorkerRing>> rings{ring};  // every ring used, kept alive
  bool refreshed = false;
  const uint64_t ps = impl_->page_size;
  if (read_ahead) readAhead(file, offset, end);
  // With passive caching, the worker on this host (if any) keeps copies of what others serve us.
  const stubs::WorkerEndpoint* local = nullptr;
  if (impl_->short_circuit_enabled && file.persisted() && impl_->settings.load()->passive_cache.at(file.path())) {
    for (const auto& w : ring->workers()) {
      if (!w.domain_socket.empty() && isLocal(w)) local = &w;
    }
  }
  // Runs of consecutive pages with the same owner go to that worker as one streamed request.
  for (uint64_t pos = offset; pos < end;) {
    uint64_t page = pos / ps;
    const stubs::WorkerEndpoint* owner = ring->owner(file.id(), page);
    uint64_t run_end = std::min(end, (page + 1) * ps);
    while (owner && run_end < end && ring->owner(file.id(), run_end / ps) == owner) run_end = std::min(end, run_end + ps);
    char* out = buf.data() + (pos - offset);
    bool served = false;
    // Passive caching: pages this host's worker copied from their owner earlier.
    if (local && local != owner) {
      pos = readShortCircuit(*local, file, offset, pos, run_end, buf, /*hit_only=*/true);
      out = buf.data() + (pos - offset);
      if (pos == run_end) continue;
    }
    // A worker on this host: read its page files directly, page by page.
    if (owner && impl_->short_circuit_enabled && !owner->domain_socket.empty() && isLocal(*owner)) {
      // Whatever short-circuit could not serve (worker gone, page not cacheable) is streamed.
      pos = readShortCircuit(*owner, file, offset, pos, run_end, buf, /*hit_only=*/false);
      out = buf.data() + (pos - offset);
      if (pos == run_end) continue;
    }
    Status refused;  // a worker's own answer (not a transport failure)
    for (const stubs::WorkerEndpoint* w : ring->candidates(file.id(), page, ring->size())) {
      bool unreachable = false;
      Status st = readFrom(*w, file, pos, run_end - pos, out, &unreachable);
      if (st) {
        served = true;
        if (local && w != local) copyPages(*local, file, pos, run_end, out);
        break;
      }
      if (!unreachable) {
        refused = st;
        break;
      }
      counters_.worker_failovers.fetch_add(1, std::memory_order_relaxed);
      impl_->workers.markStale();
    }
    // A file with no store copy whose owner here lacks the pages: the writer may have placed them
    // with another worker list than this reader's (a worker joined or began leaving in between).
    // Once per read, the list is fetched anew and the run retried on the new ring; then the
    // pages are looked for where a list one change away from this one would have put them.
    if (!served && !file.persisted() && (refused.code() == StatusCode::kNotFound || !ring->draining().empty())) {
      if (refused.code() == StatusCode::kNotFound && !refreshed) {
        refreshed = true;
        impl_->workers.markStale();
        std::shared_ptr<const stubs::WorkerRing> fresh = impl_->workers.ring();
        if (fresh != ring) {
          rings.push_back(fresh);  // `local` still points into the old one
          ring = fresh;
          continue;
        }
      }
      served = readElsewhere(*ring, file, pos, run_end, out);
      if (served) refused = Status::ok();
    }
    if (!served && !refused.isOk()) return makeError(refused);
    if (!served && !file.persisted()) {
      return makeError(Status(StatusCode::kUnavailable,
                              fmt::format("{}: no live worker holds bytes {}-{} and the file has no store copy "
                                          "(written MUST_CACHE)", file.path(), pos, run_end)));
    }
    if (!served) {
      counters_.store_fallbacks.fetch_add(1, std::memory_order_relaxed);
      auto n = impl_->direct.read(file.path(), file.size(), file.mtime_ms(), pos, {out, run_end - pos},
                                    file.mount_table_version());
      if (!n) return makeError(n.error());
      counters_.store_bytes.fetch_add(*n, std::memory_order_relaxed);
      if (*n != run_end - pos) {
        return makeError(Status(StatusCode::kFailedPrecondition,
                                fmt::format("{}: the store returned fewer bytes than the file's size; it changed, "
                                            "reload its metadata", file.path())));
      }
    }
    pos = run_end;
  }
  return static_cast<size_t>(end - offset);
}

}  // namespace shoal::client
