#include "worker/service/worker_service.h"

#include <algorithm>
#include <fmt/format.h>

#include "common/errno_status.h"
#include "rpc/limits.h"
#include "rpc/status_convert.h"
#include "worker/request_check.h"

namespace shoal::worker {

std::vector<proto::TierUsage> tierUsage(const PageStore& store) {
  std::vector<proto::TierUsage> out;
  for (const auto& t : store.stats()) {
    proto::TierUsage u;
    u.set_name(t.name);
    u.set_dir(t.dir);
    u.set_capacity(t.capacity);
    u.set_used(t.used);
    u.set_pages(t.pages);
    out.push_back(std::move(u));
  }
  return out;
}

grpc::Status WorkerServiceImpl::ReadPages(grpc::ServerContext* ctx, const proto::ReadRequest* req,
                                          grpc::ServerWriter<proto::ReadChunk>* writer) {
  if (Status bad = checkReadRequest(*req, "ReadPages"); !bad) return rpc::toGrpc(bad);
  if (!req->prefetch()) pages_.counters().read_requests_grpc.fetch_add(1, std::memory_order_relaxed);
  proto::ReadChunk chunk;  // reused: its buffer keeps its capacity across chunks
  Status failed;
  Status st = pages_.read(*req, [&](const ReadSlice& s) {
    if (ctx->IsCancelled()) return false;
    chunk.set_offset(s.offset);
    std::string* data = chunk.mutable_data();
    if (s.fd >= 0) {
      // Straight from the page file into the reply: no copy in between.
      data->resize(s.length);
      failed = preadFull(s.fd, data->data(), s.length, s.fd_offset, req->path());
      if (!failed) return false;
    } else {
      data->assign(s.data, s.length);
    }
    if (!writer->Write(chunk)) return false;
    pages_.counters().served_grpc_bytes.fetch_add(s.length, std::memory_order_relaxed);
    return true;
  });
  return rpc::toGrpc(failed ? st : failed);
}

grpc::Status WorkerServiceImpl::WritePages(grpc::ServerContext*, grpc::ServerReader<proto::WritePagesRequest>* reader,
                                           proto::WritePagesResponse* resp) {
  PageIngest::Session session(ingest_);
  proto::WritePagesRequest msg;
  while (reader->Read(&msg)) {
    if (msg.commit()) {
      auto moved = session.commit(msg.file_size(), msg.mtime_ms());
      if (!moved) return rpc::toGrpc(moved.error());
      resp->set_pages(*moved);
      return grpc::Status::OK;
    }
    Status st = msg.cached_copy()
                    ? session.addCopy(msg.file_id(), msg.path(), msg.page_size(), msg.index(), msg.file_size(),
                                      msg.mtime_ms(), msg.data())
                    : session.addPage(msg.file_id(), msg.path(), msg.page_size(), msg.index(), msg.data());
    if (!st) return rpc::toGrpc(st);
  }
  // The stream ended without a commit: the session's destructor drops the pages.
  return grpc::Status(grpc::StatusCode::CANCELLED, "WritePages: the writer went away before committing");
}

grpc::Status WorkerServiceImpl::GetStats(grpc::ServerContext*, const proto::WorkerStatsRequest*,
                                         proto::WorkerStatsResponse* resp) {
  const auto& c = pages_.counters();
  resp->set_store_reads(c.store_reads.load());
  resp->set_store_read_bytes(c.store_read_bytes.load());
  resp->set_cache_hits(c.cache_hits.load());
  resp->set_cache_misses(c.cache_misses.load());
  resp->set_short_circuit_opens(c.short_circuit_opens.load());
  resp->set_pinned_files(store_.pinnedFiles());
  for (auto& t : tierUsage(store_)) *resp->add_tiers() = std::move(t);
  return grpc::Status::OK;
}

}  // namespace shoal::worker

namespace shoal::worker {

grpc::Status WorkerServiceImpl::ListFilePages(grpc::ServerContext*, const proto::FilePagesRequest* req,
                                              proto::FilePagesResponse* resp) {
  auto pages = store_.pagesOf(req->file_id());
  std::sort(pages.begin(), pages.end(), [](const PageKey& a, const PageKey& b) { return a.index < b.index; });
  for (const auto& p : pages) resp->add_pages(p.index);
  return grpc::Status::OK;
}

grpc::Status WorkerServiceImpl::FreeFile(grpc::ServerContext*, const proto::FilePagesRequest* req,
                                         proto::FilePagesResponse* resp) {
  for (const auto& p : store_.pagesOf(req->file_id())) resp->add_pages(p.index);
  store_.removeFile(req->file_id());
  return grpc::Status::OK;
}

}  // namespace shoal::worker

namespace shoal::worker {

grpc::Status WorkerServiceImpl::CachedBytes(grpc::ServerContext*, const proto::CachedBytesRequest* req,
                                            proto::CachedBytesResponse* resp) {
  if (req->files_size() > rpc::kMaxCachedBytesFiles) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        fmt::format("CachedBytes asks for {} files; at most {} per call", req->files_size(),
                                    rpc::kMaxCachedBytesFiles));
  }
  const uint64_t page = pages_.pageSize();
  for (const auto& f : req->files()) {
    const uint64_t version = fileVersion(f.file_size(), f.mtime_ms(), "");
    const uint64_t page_count = (f.file_size() + page - 1) / page;
    uint64_t bytes = 0;
    for (const auto& k : store_.pagesOf(f.file_id())) {
      // Pages of another version, or past the end of this one, hold none of the file's bytes.
      if (k.version != version || k.index >= page_count) continue;
      bytes += std::min(page, f.file_size() - k.index * page);
    }
    resp->add_bytes(bytes);
  }
  return grpc::Status::OK;
}

}  // namespace shoal::worker
