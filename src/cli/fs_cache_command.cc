// `shoal fs location|free|checksum`: where a file's pages are cached, dropping them, and a
// checksum of the bytes Shoal serves.
#include <grpcpp/grpcpp.h>
#include <iostream>
#include <xxhash.h>

#include "cli/cli.h"
#include "rpc/channel.h"
#include "stubs/worker_registry_client.h"
#include "rpc/status_convert.h"
#include "worker.grpc.pb.h"

namespace shoal::cli {
namespace {

// Calls `method` on every live worker; stops at the first failure.
Status forEachWorker(CliContext& ctx, uint64_t file_id,
                     const std::function<grpc::Status(proto::WorkerService::Stub&, grpc::ClientContext&,
                                                      const proto::FilePagesRequest&, proto::FilePagesResponse*)>& method,
                     const std::function<void(const proto::WorkerInfo&, const proto::FilePagesResponse&)>& each) {
  stubs::WorkerRegistryClient registry(ctx.master().addresses(), ctx.conf.getDurationMs(keys::kUserRpcTimeout));
  auto workers = registry.workers(false);
  if (!workers) return workers.error();
  for (const auto& w : *workers) {
    auto stub = proto::WorkerService::NewStub(rpc::makeChannel(w.address()));
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(ctx.conf.getDurationMs(keys::kUserRpcTimeout)));
    proto::FilePagesRequest req;
    req.set_file_id(file_id);
    proto::FilePagesResponse resp;
    Status st = rpc::fromGrpc(method(*stub, c, req, &resp), "worker at " + w.address());
    if (!st) return st;
    each(w, resp);
  }
  return Status::ok();
}

// The file's attributes; directories are refused with `why` appended.
Result<proto::FileInfo> statFile(CliContext& ctx, const std::string& path, const std::string& why = "") {
  auto f = ctx.master().getStatus(path);
  if (!f) return makeError(f.error());
  if (f->is_dir()) return makeError(Status(StatusCode::kIsADirectory, f->path() + ": is a directory" + why));
  return f;
}

std::string pageList(const proto::FilePagesResponse& r) {
  std::string out;
  for (int i = 0; i < r.pages_size(); ++i) out += (i ? "," : "") + std::to_string(r.pages(i));
  return out.empty() ? "-" : out;
}

}  // namespace

void registerFsCacheCommands(CLI::App& fs, CliContext& ctx) {
  auto* location = fs.add_subcommand("location", "Which live workers hold which cached pages of a file");
  auto lpath = std::make_shared<std::string>();
  location->add_option("path", *lpath, "File")->required();
  location->callback([&ctx, lpath] {
    auto f = statFile(ctx, *lpath);
    if (!f) return ctx.fail("fs location", f.error());
    std::cout << fmt::format("{} ({} bytes, id {})\n", f->path(), f->size(), f->id());
    Status st = forEachWorker(
        ctx, f->id(),
        [](auto& stub, auto& c, const auto& req, auto* resp) { return stub.ListFilePages(&c, req, resp); },
        [](const proto::WorkerInfo& w, const proto::FilePagesResponse& r) {
          std::cout << fmt::format("  {:<24} pages {}\n", w.address(), pageList(r));
        });
    if (!st) ctx.fail("fs location", st);
  });

  auto* free = fs.add_subcommand("free", "Drop a file's cached pages from every live worker (the store keeps the data)");
  auto fpath = std::make_shared<std::string>();
  free->add_option("path", *fpath, "File")->required();
  free->callback([&ctx, fpath] {
    auto f = statFile(ctx, *fpath, " (free files one by one)");
    if (!f) return ctx.fail("fs free", f.error());
    if (!f->persisted() && f->size() > 0) {
      return ctx.fail("fs free", Status(StatusCode::kFailedPrecondition,
                                        f->path() + ": has no store copy (written MUST_CACHE); freeing would lose it"));
    }
    size_t dropped = 0;
    Status st = forEachWorker(
        ctx, f->id(), [](auto& stub, auto& c, const auto& req, auto* resp) { return stub.FreeFile(&c, req, resp); },
        [&](const proto::WorkerInfo&, const proto::FilePagesResponse& r) { dropped += static_cast<size_t>(r.pages_size()); });
    if (!st) ctx.fail("fs free", st);
    else std::cout << fmt::format("Freed {} cached pages of {}\n", dropped, f->path());
  });

  auto* checksum = fs.add_subcommand("checksum", "XXH128 of a file's bytes as Shoal serves them");
  auto cpath = std::make_shared<std::string>();
  checksum->add_option("path", *cpath, "File")->required();
  checksum->callback([&ctx, cpath] {
    auto f = statFile(ctx, *cpath);
    if (!f) return ctx.fail("fs checksum", f.error());
    XXH3_state_t* state = XXH3_createState();
    XXH3_128bits_reset(state);
    std::vector<char> buf(4 << 20);
    Status st;
    for (uint64_t pos = 0; pos < f->size();) {
      auto n = ctx.reader().pread(*f, pos, {buf.data(), buf.size()});
      if (!n || *n == 0) {
        st = n ? Status(StatusCode::kIoError, f->path() + ": short read") : n.error();
        break;
      }
      XXH3_128bits_update(state, buf.data(), *n);
      pos += *n;
    }
    XXH128_hash_t h = XXH3_128bits_digest(state);
    XXH3_freeState(state);
    if (!st) ctx.fail("fs checksum", st);
    else std::cout << fmt::format("{:016x}{:016x}  {}\n", h.high64, h.low64, f->path());
  });
}

}  // namespace shoal::cli
