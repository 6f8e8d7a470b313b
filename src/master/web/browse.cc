#include "master/web/browse.h"

#include <algorithm>
#include <chrono>
#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "master/fs/file_system_master.h"
#include "master/workers/worker_registry.h"
#include "rpc/channel.h"
#include "rpc/limits.h"
#include "worker.grpc.pb.h"

namespace shoal::master {

static_assert(kMaxBrowseLimit <= rpc::kMaxCachedBytesFiles, "one browse page must fit one CachedBytes call");

Result<BrowseQuery> parseBrowseQuery(const std::map<std::string, std::string>& params) {
  BrowseQuery q;
  for (const auto& [name, value] : params) {
    if (name == "path") {
      if (value.empty() || value[0] != '/') {
        return makeError(Status(StatusCode::kInvalidArgument,
                                "parameter 'path' must be an absolute path, not '" + value.substr(0, 256) + "'"));
      }
      q.path = value;
    } else if (name == "start_after") {
      q.start_after = value;
    } else if (name == "limit") {
      char* end = nullptr;
      unsigned long long v = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || v == 0 || v > kMaxBrowseLimit) {
        return makeError(Status(StatusCode::kInvalidArgument, "parameter 'limit' must be a number from 1 to " +
                                                                  std::to_string(kMaxBrowseLimit) + ", not '" +
                                                                  value.substr(0, 64) + "'"));
      }
      q.limit = static_cast<uint32_t>(v);
    } else {
      return makeError(Status(StatusCode::kInvalidArgument,
                              "unknown parameter '" + name.substr(0, 64) + "' (path, start_after, limit)"));
    }
  }
  return q;
}

std::shared_ptr<grpc::Channel> CachedBytesProbe::channelTo(const std::string& address) {
  std::lock_guard lock(mu_);
  auto& ch = channels_[address];
  if (!ch) ch = rpc::makeChannel(address);
  return ch;
}

CachedBytesProbe::Answer CachedBytesProbe::ask(const std::vector<proto::WorkerInfo>& workers,
                                               const std::vector<proto::CachedFile>& files, int64_t budget_ms) {
  Answer a;
  a.bytes.assign(files.size(), 0);
  if (files.empty()) return a;
  proto::CachedBytesRequest req;
  for (const auto& f : files) *req.add_files() = f;
  // Every call is started before any is waited for, so the page costs the slowest worker's
  // answer (or the budget), not the sum of them.
  auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(budget_ms);
  grpc::CompletionQueue cq;
  struct Call {
    grpc::ClientContext ctx;
    proto::CachedBytesResponse resp;
    grpc::Status status;
    std::unique_ptr<proto::WorkerService::Stub> stub;
    std::unique_ptr<grpc::ClientAsyncResponseReader<proto::CachedBytesResponse>> reader;
  };
  std::vector<std::unique_ptr<Call>> calls;
  for (const auto& w : workers) {
    auto c = std::make_unique<Call>();
    c->ctx.set_deadline(deadline);
    c->stub = proto::WorkerService::NewStub(channelTo(w.address()));
    c->reader = c->stub->AsyncCachedBytes(&c->ctx, req, &cq);
    c->reader->Finish(&c->resp, &c->status, c.get());
    calls.push_back(std::move(c));
  }
  a.workers_asked = calls.size();
  for (size_t done = 0; done < calls.size(); ++done) {
    void* tag = nullptr;
    bool ok = false;
    if (!cq.Next(&tag, &ok)) break;
    auto* c = static_cast<Call*>(tag);
    if (!ok || !c->status.ok() || c->resp.bytes_size() != static_cast<int>(files.size())) continue;
    ++a.workers_answered;
    for (size_t i = 0; i < files.size(); ++i) a.bytes[i] += c->resp.bytes(static_cast<int>(i));
  }
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
  return a;
}

namespace {

const char* typeName(const proto::FileInfo& f) {
  switch (f.type()) {
    case proto::FILE_TYPE_SYMLINK:
      return "symlink";
    case proto::FILE_TYPE_DIRECTORY:
      return "directory";
    case proto::FILE_TYPE_REGULAR:
      return "file";
    default:
      return f.is_dir() ? "directory" : "special";
  }
}

bool isRegular(const proto::FileInfo& f) { return !f.is_dir() && f.type() == proto::FILE_TYPE_REGULAR; }

}  // namespace

Result<nlohmann::json> browse(FileSystemMaster& fs, WorkerRegistry& workers, CachedBytesProbe& probe,
                              const BrowseQuery& query) {
  auto list = fs.listStatus(query.path, query.start_after, query.limit, std::nullopt,
                             /*continued=*/!query.start_after.empty());
  if (!list) return makeError(list.error());
  std::vector<proto::CachedFile> files;
  std::vector<size_t> file_rows;
  for (size_t i = 0; i < list->entries.size(); ++i) {
    const auto& e = list->entries[i];
    if (!isRegular(e) || e.size() == 0) continue;
    proto::CachedFile f;
    f.set_file_id(e.id());
    f.set_file_size(e.size());
    f.set_mtime_ms(e.mtime_ms());
    files.push_back(std::move(f));
    file_rows.push_back(i);
  }
  auto answer = probe.ask(workers.workers(false, nowMs()), files, /*budget_ms=*/2000);
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : list->entries) {
    entries.push_back({{"name", e.name()},
                       {"path", e.path()},
                       {"type", typeName(e)},
                       {"size", e.size()},
                       {"mtime_ms", e.mtime_ms()},
                       {"persisted", e.persisted()},
                       {"pinned", e.pinned()}});
    if (isRegular(e)) entries.back()["cached_bytes"] = 0;
  }
  for (size_t k = 0; k < file_rows.size(); ++k) {
    // Two workers can hold the same page (a copy after a ring change); the file has no more bytes than its size.
    entries[file_rows[k]]["cached_bytes"] = std::min(answer.bytes[k], list->entries[file_rows[k]].size());
  }
  nlohmann::json out = {{"path", query.path},
                        {"entries", entries},
                        {"has_more", list->has_more},
                        {"workers_asked", answer.workers_asked},
                        {"workers_answered", answer.workers_answered}};
  if (list->has_more && !list->entries.empty()) out["next_start_after"] = list->entries.back().name();
  return out;
}

}  // namespace shoal::master
