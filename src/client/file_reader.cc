#include "client/file_reader.h"

#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "client/channel.h"
#include "client/short_circuit_reader.h"
#include "rpc/status_convert.h"
#include "worker.grpc.pb.h"

namespace shoal::client {

struct FileReader::Impl {
  const Configuration& conf;
  MasterClient& master;
  WorkerRegistryClient registry_client;
  UfsDirectReader direct;
  uint64_t page_size;
  int64_t refresh_ms;
  int64_t timeout_ms;
  std::mutex mu;
  std::shared_ptr<const WorkerRing> ring;                                          // guarded by mu
  std::chrono::steady_clock::time_point ring_time;                                 // guarded by mu
  bool ring_stale = true;                                                          // guarded by mu
  std::map<std::string, std::unique_ptr<proto::WorkerService::Stub>> stubs;       // guarded by mu
  ShortCircuitReader short_circuit;
  bool short_circuit_enabled;

  Impl(const Configuration& c, MasterClient& m, const ufs::UfsRegistry& r)
      : conf(c),
        master(m),
        registry_client(m.address(), c.getDurationMs(keys::kUserRpcTimeout)),
        direct(m, r),
        page_size(c.getBytes(keys::kWorkerPageSize)),
        refresh_ms(c.getDurationMs(keys::kUserWorkerListRefreshInterval)),
        timeout_ms(c.getDurationMs(keys::kUserRpcTimeout)),
        short_circuit_enabled(c.getBool(keys::kUserShortCircuitEnabled)) {}

  proto::WorkerService::Stub& stub(const std::string& address) {
    std::lock_guard lock(mu);
    auto& s = stubs[address];
    if (!s) s = proto::WorkerService::NewStub(makeChannel(address));
    return *s;
  }
};

FileReader::FileReader(const Configuration& conf, MasterClient& master, const ufs::UfsRegistry& registry)
    : impl_(std::make_unique<Impl>(conf, master, registry)) {}
FileReader::~FileReader() = default;

Result<std::shared_ptr<const WorkerRing>> FileReader::ring() {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(impl_->mu);
    bool fresh = !impl_->ring_stale &&
                 now - impl_->ring_time < std::chrono::milliseconds(impl_->refresh_ms);
    if (impl_->ring && fresh) return impl_->ring;
  }
  auto workers = impl_->registry_client.workers(/*include_lost=*/false);
  std::lock_guard lock(impl_->mu);
  if (!workers) {
    // Keep reading with what we knew; the master being away must not stop cached reads.
    if (impl_->ring) return impl_->ring;
    return std::make_shared<const WorkerRing>(std::vector<WorkerEndpoint>{});
  }
  std::vector<WorkerEndpoint> eps;
  for (const auto& w : *workers) eps.push_back({w.address(), w.host(), w.domain_socket()});
  impl_->ring = std::make_shared<const WorkerRing>(std::move(eps));
  impl_->ring_time = now;
  impl_->ring_stale = false;
  return impl_->ring;
}

Status FileReader::readFrom(const WorkerEndpoint& w, const proto::FileInfo& file, uint64_t offset, uint64_t len,
                            char* out, bool* unreachable) {
  *unreachable = false;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(impl_->timeout_ms));
  proto::ReadRequest req;
  req.set_file_id(file.id());
  req.set_path(file.path());
  req.set_file_size(file.size());
  req.set_mtime_ms(file.mtime_ms());
  req.set_offset(offset);
  req.set_length(len);
  req.set_cache(true);
  auto reader = impl_->stub(w.address).ReadPages(&ctx, req);
  proto::ReadChunk chunk;
  uint64_t got = 0;
  while (reader->Read(&chunk)) {
    if (chunk.offset() != offset + got || got + chunk.data().size() > len) {
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
  return Status::ok();
}

Result<size_t> FileReader::pread(const proto::FileInfo& file, uint64_t offset, std::span<char> buf) {
  if (file.is_dir()) return makeError(Status(StatusCode::kIsADirectory, file.path() + ": is a directory"));
  if (offset >= file.size() || buf.empty()) return size_t{0};
  uint64_t end = offset + std::min<uint64_t>(buf.size(), file.size() - offset);
  auto r = ring();
  if (!r) return makeError(r.error());
  std::shared_ptr<const WorkerRing> ring = *r;
  const uint64_t ps = impl_->page_size;
  // Runs of consecutive pages with the same owner go to that worker as one streamed request.
  for (uint64_t pos = offset; pos < end;) {
    uint64_t page = pos / ps;
    const WorkerEndpoint* owner = ring->owner(file.id(), page);
    uint64_t run_end = std::min(end, (page + 1) * ps);
    while (owner && run_end < end && ring->owner(file.id(), run_end / ps) == owner) run_end = std::min(end, run_end + ps);
    char* out = buf.data() + (pos - offset);
    bool served = false;
    // A worker on this host: read its page files directly, page by page.
    if (owner && impl_->short_circuit_enabled && !owner->domain_socket.empty() && isLocalHost(owner->host)) {
      uint64_t p = pos;
      while (p < run_end) {
        uint64_t pg = p / ps;
        uint64_t n = std::min(run_end, (pg + 1) * ps) - p;
        if (!impl_->short_circuit.read(owner->domain_socket, file, ps, pg, p - pg * ps, {buf.data() + (p - offset), n})) break;
        counters_.short_circuit_reads.fetch_add(1, std::memory_order_relaxed);
        p += n;
      }
      // Whatever short-circuit could not serve (worker gone, page not cacheable) is streamed.
      pos = p;
      out = buf.data() + (pos - offset);
      if (pos == run_end) continue;
    }
    for (const WorkerEndpoint* w : ring->candidates(file.id(), page, ring->size())) {
      bool unreachable = false;
      Status st = readFrom(*w, file, pos, run_end - pos, out, &unreachable);
      if (st) {
        served = true;
        break;
      }
      if (!unreachable) return makeError(st);
      counters_.worker_failovers.fetch_add(1, std::memory_order_relaxed);
      std::lock_guard lock(impl_->mu);
      impl_->ring_stale = true;
    }
    if (!served) {
      counters_.store_fallbacks.fetch_add(1, std::memory_order_relaxed);
      auto n = impl_->direct.read(file.path(), file.size(), file.mtime_ms(), pos, {out, run_end - pos});
      if (!n) return makeError(n.error());
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
