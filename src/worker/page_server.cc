#include "worker/page_server.h"

#include <fmt/format.h>
#include <unistd.h>
#include <vector>

namespace shoal::worker {

Result<PageServer::Page> PageServer::fetchMiss(const proto::ReadRequest& req, const PageKey& key, uint64_t page_len) {
  std::promise<Result<Page>> mine;
  std::shared_future<Result<Page>> theirs;
  {
    std::lock_guard lock(mu_);
    auto it = inflight_.find(key);
    if (it != inflight_.end()) theirs = it->second;
    else inflight_.emplace(key, mine.get_future().share());
  }
  if (theirs.valid()) {
    counters_.misses_joined.fetch_add(1, std::memory_order_relaxed);
    return theirs.get();
  }
  counters_.misses_in_flight.fetch_add(1, std::memory_order_relaxed);
  auto finish = [&](Result<Page> r) {
    {
      std::lock_guard lock(mu_);
      inflight_.erase(key);
    }
    counters_.misses_in_flight.fetch_sub(1, std::memory_order_relaxed);
    mine.set_value(r);
    return r;
  };
  auto data = std::make_shared<std::string>(page_len, '\0');
  // Another caller may have cached it between our lookup and taking the flight.
  if (auto h = store_.get(key); h && h->length() == page_len) {
    if (::pread(h->fd(), data->data(), page_len, 0) == static_cast<ssize_t>(page_len)) return finish(Page(data));
  }
  if (req.cache_only()) {
    return finish(makeError(Status(StatusCode::kNotFound,
                                   fmt::format("{}: page {} is not cached on this worker and the file has no store "
                                               "copy (written MUST_CACHE; its pages were lost with a worker or evicted)",
                                               req.path(), key.index))));
  }
  auto n = ufs_.read(req.path(), req.file_size(), req.mtime_ms(), key.index * page_size_, {data->data(), page_len},
                    req.mount_table_version());
  counters_.store_reads.fetch_add(1, std::memory_order_relaxed);
  if (!n) return finish(makeError(n.error()));
  counters_.store_read_bytes.fetch_add(*n, std::memory_order_relaxed);
  if (*n != page_len) {
    return finish(makeError(Status(StatusCode::kFailedPrecondition,
                                   fmt::format("{}: the store returned {} bytes of page {}, expected {}; the file "
                                               "changed, reload its metadata",
                                               req.path(), *n, key.index, page_len))));
  }
  if (req.cache()) (void)store_.put(key, {data->data(), data->size()});  // a full cache only costs a re-read
  return finish(Page(data));
}

Result<PageHandle> PageServer::openPage(const proto::ReadRequest& req) {
  if (req.file_size() == 0 || req.offset() >= req.file_size() || req.offset() % page_size_ != 0) {
    return makeError(invalidArgument(fmt::format("{}: short-circuit offset {} is not a page of a {}-byte file",
                                                 req.path(), req.offset(), req.file_size())));
  }
  PageKey key{req.file_id(), fileVersion(req.file_size(), req.mtime_ms(), ""), req.offset() / page_size_};
  uint64_t page_len = std::min(page_size_, req.file_size() - req.offset());
  if (auto h = store_.get(key); h && h->length() == page_len) {
    counters_.cache_hits.fetch_add(1, std::memory_order_relaxed);
    counters_.short_circuit_opens.fetch_add(1, std::memory_order_relaxed);
    return std::move(*h);
  }
  counters_.cache_misses.fetch_add(1, std::memory_order_relaxed);
  proto::ReadRequest cached = req;
  cached.set_cache(true);
  auto page = fetchMiss(cached, key, page_len);
  if (!page) return makeError(page.error());
  auto h = store_.get(key);
  if (!h || h->length() != page_len) {
    return makeError(Status(StatusCode::kUnavailable, fmt::format("{}: page {} could not be cached", req.path(), key.index)));
  }
  counters_.short_circuit_opens.fetch_add(1, std::memory_order_relaxed);
  return std::move(*h);
}

std::optional<PageHandle> PageServer::cachedPage(const proto::ReadRequest& req, uint64_t index) {
  if (index * page_size_ >= req.file_size()) return std::nullopt;
  PageKey key{req.file_id(), fileVersion(req.file_size(), req.mtime_ms(), ""), index};
  auto h = store_.get(key);
  if (!h || h->length() != std::min(page_size_, req.file_size() - index * page_size_)) return std::nullopt;
  counters_.cache_hits.fetch_add(1, std::memory_order_relaxed);
  counters_.short_circuit_opens.fetch_add(1, std::memory_order_relaxed);
  return h;
}

Result<std::vector<std::pair<uint64_t, uint64_t>>> PageServer::ranges(const proto::ReadRequest& req) const {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  if (req.extents_size() > 0) {
    out.reserve(req.extents_size());
    for (const proto::Extent& e : req.extents()) out.emplace_back(e.offset(), e.offset() + e.length());
    return out;
  }
  if (req.offset() > req.file_size()) {
    return makeError(Status(StatusCode::kInvalidArgument,
                            fmt::format("{}: read at offset {} is past the end of the file ({} bytes)", req.path(),
                                        req.offset(), req.file_size())));
  }
  out.emplace_back(req.offset(), req.offset() + std::min(req.length(), req.file_size() - req.offset()));
  return out;
}

Status PageServer::read(const proto::ReadRequest& req, const std::function<bool(const ReadSlice&)>& emit) {
  auto rs = ranges(req);
  if (!rs) return rs.error();
  for (const auto& [start, end] : *rs) {
    if (Status st = readRange(req, start, end, emit); !st) return st;
  }
  return Status::ok();
}

Status PageServer::readRange(const proto::ReadRequest& req, uint64_t start, uint64_t end,
                             const std::function<bool(const ReadSlice&)>& emit) {
  PageKey key{req.file_id(), fileVersion(req.file_size(), req.mtime_ms(), ""), 0};
  if (req.prefetch()) {
    // Load and read-ahead: bring the pages in, send nothing back.
    proto::ReadRequest cached = req;
    cached.set_cache(true);
    for (uint64_t pos = start; pos < end; pos = (key.index + 1) * page_size_) {
      key.index = pos / page_size_;
      if (store_.contains(key)) continue;
      counters_.cache_misses.fetch_add(1, std::memory_order_relaxed);
      auto page = fetchMiss(cached, key, std::min(page_size_, req.file_size() - key.index * page_size_));
      if (!page) return page.error();
    }
    return Status::ok();
  }
  for (uint64_t pos = start; pos < end;) {
    key.index = pos / page_size_;
    uint64_t page_start = key.index * page_size_;
    uint64_t page_len = std::min(page_size_, req.file_size() - page_start);
    uint64_t in_page = pos - page_start;
    ReadSlice slice{pos, std::min(end - pos, page_len - in_page), -1, in_page, nullptr};
    Page missed;
    auto h = store_.get(key);
    if (h && h->length() == page_len) {
      counters_.cache_hits.fetch_add(1, std::memory_order_relaxed);
      slice.fd = h->fd();
    } else {
      counters_.cache_misses.fetch_add(1, std::memory_order_relaxed);
      auto page = fetchMiss(req, key, page_len);
      if (!page) return page.error();
      missed = *page;
      slice.data = missed->data() + in_page;
    }
    if (!emit(slice)) return Status(StatusCode::kUnavailable, "the client went away");
    pos += slice.length;
  }
  return Status::ok();
}

}  // namespace shoal::worker
