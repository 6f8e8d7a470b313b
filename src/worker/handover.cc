#include "worker/handover.h"

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <map>

#include "stubs/worker_ring.h"
#include "common/errno_status.h"
#include "common/logging.h"
#include "rpc/channel.h"
#include "rpc/status_convert.h"
#include "worker.grpc.pb.h"

namespace shoal::worker {

namespace {
// How long a pass that could not finish (no worker to take the pages, a worker refused) waits
// before the next: the cluster changes on the scale of heartbeats.
constexpr auto kRetryInterval = std::chrono::milliseconds(500);
}  // namespace

void Handover::noteState(proto::WorkerState state) {
  {
    std::lock_guard lock(mu_);
    if (state == state_) return;
    state_ = state;
  }
  logger("worker")->info("the master marks this worker {}", state == proto::WORKER_ACTIVE ? "active again"
                                                             : state == proto::WORKER_DECOMMISSIONING
                                                                 ? "decommissioning: handing its pages over"
                                                                 : "decommissioned: it can be stopped");
  // Refused from the first moment: a page taken later might miss the hand-over.
  ingest_.setAccepting(state == proto::WORKER_ACTIVE);
  if (state == proto::WORKER_DECOMMISSIONING) {
    stopThread();
    std::lock_guard lock(mu_);
    stopping_ = false;
    progress_.Clear();
    thread_ = std::thread([this] { run(); });
    return;
  }
  stopThread();
  std::lock_guard lock(mu_);
  if (state == proto::WORKER_ACTIVE) progress_.Clear();
}

proto::HandoverProgress Handover::progress() const {
  std::lock_guard lock(mu_);
  return progress_;
}

void Handover::stopThread() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Handover::run() {
  copied_.clear();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    bool done = pass();
    lock.lock();
    if (done) {
      progress_.set_done(true);
      progress_.set_error("");
      logger("worker")->info("hand-over done: {} pages copied", progress_.pages_copied());
      cv_.wait(lock, [this] { return stopping_; });
      break;
    }
    cv_.wait_for(lock, kRetryInterval, [this] { return stopping_; });
  }
}

bool Handover::pass() {
  auto fail = [this](const std::string& why, uint64_t left) {
    std::lock_guard lock(mu_);
    if (progress_.error() != why) logger("worker")->warn("hand-over: {} (will retry)", why);
    progress_.set_error(why);
    progress_.set_pages_left(left);
    return false;
  };
  // Read before the cache is listed: when none was under way then, every page is in the listing.
  const uint64_t in_flight = ingest_.writesInFlight();
  auto workers = registry_.workers(/*include_lost=*/false);
  if (!workers) return fail("cannot list the workers: " + workers.error().message(), 0);
  stubs::WorkerRing ring = stubs::WorkerRing::of(*workers);
  // What to copy, by the worker that owns it now.
  struct Item {
    proto::HandoverFile file;
    PageKey key;
  };
  std::map<std::string, std::vector<Item>> by_owner;
  uint64_t left = 0;
  std::vector<uint64_t> ids = store_.fileIds();
  for (size_t at = 0; at < ids.size(); at += 1000) {
    std::vector<uint64_t> batch(ids.begin() + at, ids.begin() + std::min(ids.size(), at + 1000));
    auto files = registry_.handoverFiles(batch);
    if (!files) return fail("cannot ask the master which files to hand over: " + files.error().message(), left);
    for (const auto& f : *files) {
      uint64_t version = fileVersion(f.file_size(), f.mtime_ms(), "");
      for (const PageKey& k : store_.pagesOf(f.file_id())) {
        if (k.version != version || copied_.count(k)) continue;
        const stubs::WorkerEndpoint* owner = ring.owner(k.file_id, k.index);
        ++left;
        if (owner) by_owner[owner->address].push_back({f, k});
      }
    }
  }
  if (left > 0 && ring.size() == 0) return fail(fmt::format("no active worker to take {} pages", left), left);
  std::string error;
  std::string page;
  for (auto& [address, items] : by_owner) {
    auto stub = proto::WorkerService::NewStub(rpc::makeChannel(address));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    proto::WritePagesResponse resp;
    auto writer = stub->WritePages(&ctx, &resp);
    std::vector<PageKey> sent;
    for (const Item& it : items) {
      auto handle = store_.get(it.key);
      if (!handle) continue;  // evicted or dropped meanwhile: pinned and written pages never are
      page.resize(handle->length());
      if (!preadFull(handle->fd(), page.data(), page.size(), 0, it.key.toString())) continue;
      proto::WritePagesRequest msg;
      msg.set_file_id(it.key.file_id);
      msg.set_path(it.file.path());
      msg.set_page_size(page_size_);
      msg.set_index(it.key.index);
      msg.set_file_size(it.file.file_size());
      msg.set_mtime_ms(it.file.mtime_ms());
      msg.set_cached_copy(true);
      msg.set_data(page);
      if (!writer->Write(msg)) break;
      sent.push_back(it.key);
    }
    proto::WritePagesRequest commit;
    commit.set_commit(true);  // ends the stream; copies need no publishing
    (void)(writer->Write(commit) && writer->WritesDone());
    grpc::Status gs = writer->Finish();
    if (!gs.ok()) {
      error = rpc::fromGrpc(gs, "worker at " + address).message();
      continue;
    }
    for (const PageKey& k : sent) copied_.insert(k);
    std::lock_guard lock(mu_);
    progress_.set_pages_copied(progress_.pages_copied() + sent.size());
    left -= std::min<uint64_t>(left, sent.size());
  }
  if (!error.empty()) return fail("copying to " + error, left);
  std::lock_guard lock(mu_);
  progress_.set_pages_left(left);
  progress_.set_error(in_flight > 0 ? fmt::format("waiting for {} writes under way", in_flight) : "");
  return left == 0 && in_flight == 0;
}

}  // namespace shoal::worker
