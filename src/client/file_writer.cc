#include "client/file_writer.h"

#include <chrono>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <map>

#include "client/client_settings.h"
#include "client/context.h"
#include "rpc/status_convert.h"

namespace shoal::client {

Result<proto::WriteType> parseWriteType(const std::string& name) {
  if (name == "MUST_CACHE") return proto::MUST_CACHE;
  if (name == "CACHE_THROUGH") return proto::CACHE_THROUGH;
  if (name == "THROUGH") return proto::THROUGH;
  return makeError(invalidArgument(fmt::format("unknown write type '{}': use MUST_CACHE, CACHE_THROUGH or THROUGH", name)));
}

namespace {

// The open WritePages stream to one worker.
struct PageStream {
  grpc::ClientContext ctx;
  proto::WritePagesResponse resp;
  std::unique_ptr<grpc::ClientWriter<proto::WritePagesRequest>> writer;
  bool broken = false;
};

int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct FileWriter::Impl {
  stubs::MasterClient& master;
  WorkerPool& workers;
  stubs::UfsDirect& direct;
  proto::FileInfo info;  // as created (incomplete)
  proto::WriteType type = proto::CACHE_THROUGH;
  uint64_t page_size = 0;
  std::shared_ptr<const stubs::WorkerRing> ring;
  std::unique_ptr<ufs::UfsOutputStream> store;
  std::map<std::string, std::unique_ptr<PageStream>> streams;  // by worker address
  std::string page;  // the page being filled
  uint64_t next_index = 0;
  uint64_t written = 0;
  bool finished = false;

  Impl(stubs::MasterClient& m, WorkerPool& w, stubs::UfsDirect& d) : master(m), workers(w), direct(d) {}
  bool caching() const { return type != proto::THROUGH; }

  Status sendPage(uint64_t index, std::string_view data) {
    const stubs::WorkerEndpoint* owner = ring->owner(info.id(), index);
    if (!owner) {
      if (type == proto::MUST_CACHE) {
        return Status(StatusCode::kUnavailable, info.path() + ": no live worker to hold a MUST_CACHE file");
      }
      return Status::ok();  // CACHE_THROUGH without workers: the store copy is enough
    }
    auto& s = streams[owner->address];
    if (!s) {
      s = std::make_unique<PageStream>();
      s->writer = workers.stub(owner->address).WritePages(&s->ctx, &s->resp);
    }
    if (s->broken) return Status::ok();
    proto::WritePagesRequest msg;
    msg.set_file_id(info.id());
    msg.set_path(info.path());
    msg.set_page_size(page_size);
    msg.set_index(index);
    msg.set_data(data.data(), data.size());
    if (!s->writer->Write(msg)) {
      s->broken = true;
      grpc::Status gs = s->writer->Finish();
      Status st = rpc::fromGrpc(gs, "worker at " + owner->address).withContext("writing " + info.path());
      // Gone, or refusing new pages (being decommissioned): the next writer asks for the workers again.
      if (gs.error_details().empty() || st.code() == StatusCode::kUnavailable) workers.markStale();
      // The store has a CACHE_THROUGH file's bytes; only a MUST_CACHE file depends on the worker.
      if (type == proto::MUST_CACHE) return st;
    }
    return Status::ok();
  }

  // Publishes the cached pages under the file's final version.
  Status commitPages(uint64_t size, int64_t mtime_ms) {
    Status first = Status::ok();
    for (auto& [address, s] : streams) {
      if (s->broken) continue;
      proto::WritePagesRequest msg;
      msg.set_commit(true);
      msg.set_file_size(size);
      msg.set_mtime_ms(mtime_ms);
      bool sent = s->writer->Write(msg) && s->writer->WritesDone();
      grpc::Status gs = s->writer->Finish();
      s->broken = true;  // finished either way
      if ((!sent || !gs.ok()) && first) {
        first = rpc::fromGrpc(gs, "worker at " + address).withContext("committing " + info.path());
      }
    }
    return type == proto::MUST_CACHE ? first : Status::ok();
  }

  void abandon() {
    if (finished) return;
    finished = true;
    if (store) store->cancel();
    for (auto& [address, s] : streams) {
      if (s->broken) continue;
      s->ctx.TryCancel();  // the worker drops the uncommitted pages
      (void)s->writer->Finish();
    }
    // The hidden, incomplete inode, and with it any store copy this writer published, but only if
    // the path is still ours: after a lease takeover it is another writer's file.
    (void)master.remove(info.path(), false, false, info.id());
  }
};

FileWriter::FileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FileWriter::~FileWriter() { cancel(); }

Result<std::unique_ptr<FileWriter>> FileWriter::create(Context& context, const std::string& path,
                                                       const WriteOptions& options) {
  const Configuration& conf = context.conf();
  WorkerPool& workers = context.workers();
  auto impl = std::make_unique<Impl>(context.master(), workers, context.direct());
  if (options.write_type == proto::WRITE_TYPE_DEFAULT) {
    impl->type = context.settings()->write_type.at(path);
  } else if (options.write_type == proto::ASYNC_THROUGH) {
    return makeError(invalidArgument("write " + path + ": ASYNC_THROUGH is not supported; use CACHE_THROUGH"));
  } else {
    impl->type = options.write_type;
  }
  impl->page_size = conf.getBytes(keys::kWorkerPageSize);
  impl->ring = workers.ring();
  if (impl->type == proto::MUST_CACHE && impl->ring->size() == 0) {
    return makeError(Status(StatusCode::kUnavailable, "write " + path + ": MUST_CACHE needs a live worker; none is registered"));
  }
  auto info = impl->master.createFile(path, options.recursive, /*complete=*/false, impl->type, options.mode);
  if (!info) return makeError(info.error());
  impl->info = *info;
  // A worker the ring may still name was taken out since the ring was fetched: place no page on it.
  impl->ring = workers.ringAt(info->worker_states_digest());
  std::unique_ptr<FileWriter> w(new FileWriter(std::move(impl)));
  if (w->impl_->type != proto::MUST_CACHE) {
    auto out = context.direct().create(info->path(), options.mode.value_or(0644), info->mount_table_version());
    if (!out) {
      Status st = out.error();
      if (st.code() == StatusCode::kNotFound) {
        st = Status(StatusCode::kFailedPrecondition,
                    fmt::format("{}: is in no mount, so it has no under-store for a {} write; write it MUST_CACHE",
                                info->path(), proto::WriteType_Name(w->impl_->type)));
      }
      w->cancel();
      return makeError(st.withContext("write " + info->path()));
    }
    w->impl_->store = std::move(*out);
  }
  w->impl_->page.reserve(w->impl_->page_size);
  return w;
}

Status FileWriter::flushPage() {
  Impl& m = *impl_;
  if (m.page.empty()) return Status::ok();
  if (m.store) SHOAL_RETURN_IF_ERROR(m.store->write({m.page.data(), m.page.size()}).withContext("write " + m.info.path()));
  if (m.caching()) SHOAL_RETURN_IF_ERROR(m.sendPage(m.next_index, m.page));
  ++m.next_index;
  m.page.clear();
  return Status::ok();
}

Status FileWriter::write(std::span<const char> data) {
  Impl& m = *impl_;
  if (m.finished) return Status(StatusCode::kFailedPrecondition, "write " + m.info.path() + ": the file is closed");
  while (!data.empty()) {
    size_t n = std::min(data.size(), m.page_size - m.page.size());
    m.page.append(data.data(), n);
    data = data.subspan(n);
    m.written += n;
    if (m.page.size() == m.page_size) {
      Status st = flushPage();
      if (!st) {
        cancel();
        return st;
      }
    }
  }
  return Status::ok();
}

Result<proto::FileInfo> FileWriter::close() {
  Impl& m = *impl_;
  if (m.finished) return makeError(Status(StatusCode::kFailedPrecondition, "close " + m.info.path() + ": already closed"));
  auto fail = [&](Status st) -> Result<proto::FileInfo> {
    cancel();
    return makeError(st);
  };
  if (Status st = flushPage(); !st) return fail(st);
  int64_t mtime = wallMs();
  bool persisted = false;
  if (m.store) {
    Status st = m.store->close();
    m.store.reset();
    if (!st) return fail(st.withContext("write " + m.info.path()));
    persisted = true;
    // The store's own size and mtime are the file's fingerprint: readers and syncs compare them.
    auto s = m.direct.storeStatus(m.info.path(), m.info.mount_table_version());
    if (!s) return fail(s.error().withContext("write " + m.info.path()));
    if (s->size != m.written) {
      return fail(Status(StatusCode::kIoError, fmt::format("write {}: the store holds {} bytes, {} were written",
                                                           m.info.path(), s->size, m.written)));
    }
    mtime = s->mtime_ms;
  }
  if (m.caching()) {
    if (Status st = m.commitPages(m.written, mtime); !st) return fail(st);
  }
  auto done = m.master.completeFile(m.info.path(), m.written, persisted, m.info.id(), mtime);
  if (!done) return fail(done.error());
  m.finished = true;
  return done;
}

void FileWriter::cancel() {
  if (impl_) impl_->abandon();
}

uint64_t FileWriter::bytesWritten() const { return impl_->written; }

}  // namespace shoal::client
