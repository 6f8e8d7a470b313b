#include "ufs/instrumented_ufs.h"

#include "common/logging.h"
#include "ufs/ufs_metrics.h"

namespace shoal::ufs {
namespace {

constexpr const char* kOpNames[] = {"get_status", "list", "read", "create", "mkdirs",
                                    "remove",     "rename", "set_time", "symlink", "xattr"};

}  // namespace

InstrumentedUfs::InstrumentedUfs(std::unique_ptr<Ufs> inner, UfsMetrics* metrics) : inner_(std::move(inner)) {
  if (metrics == nullptr) return;
  const std::string& store = inner_->uri();
  for (int op = 0; op < kOpCount; op++) {
    series_[op] = OpSeries{&metrics->ops.with({store, kOpNames[op]}), &metrics->errors.with({store, kOpNames[op]}),
                           &metrics->latency.with({store, kOpNames[op]})};
  }
  read_bytes_ = &metrics->read_bytes.with({store});
}

InstrumentedUfs::Timer::~Timer() {
  const OpSeries& s = u_.series_[op_];
  if (s.ops == nullptr) return;
  s.ops->inc();
  if (failed_) s.errors->inc();
  s.latency->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
}

void InstrumentedUfs::noteError(const char* op, const std::string& path, const Status& st) {
  counters_.errors.fetch_add(1, std::memory_order_relaxed);
  // NotFound is an ordinary answer (lookups of absent paths), not worth a log line. A store that
  // is down fails every call: say so every few seconds with a count, not once per call.
  if (st.code() != StatusCode::kNotFound) {
    static auto log = logger("ufs");
    static LogRateLimiter limit(std::chrono::seconds(5));
    uint64_t held = 0;
    if (limit.allow(held)) {
      if (held > 0) log->warn("{} {}{}: {} ({} more store errors held back)", op, inner_->uri(), path, st.toString(), held);
      else log->warn("{} {}{}: {}", op, inner_->uri(), path, st.toString());
    }
  }
}

void InstrumentedUfs::noteRead(size_t n) {
  counters_.read_bytes.fetch_add(n, std::memory_order_relaxed);
  if (read_bytes_) read_bytes_->inc(n);
}

Result<UfsStatus> InstrumentedUfs::doGetStatus(const std::string& path) {
  Timer t(*this, kGetStatus);
  counters_.get_status.fetch_add(1, std::memory_order_relaxed);
  auto r = inner_->getStatus(path);
  if (!r) noteError("getStatus", path, r.error());
  if (!r && r.error().code() != StatusCode::kNotFound) t.failed();
  return r;
}

Result<std::vector<UfsStatus>> InstrumentedUfs::doList(const std::string& path) {
  Timer t(*this, kList);
  counters_.list.fetch_add(1, std::memory_order_relaxed);
  auto r = inner_->list(path);
  if (!r) noteError("list", path, r.error());
  if (!r && r.error().code() != StatusCode::kNotFound) t.failed();
  return r;
}

Result<size_t> InstrumentedUfs::doRead(const std::string& path, uint64_t offset, std::span<char> buf) {
  Timer t(*this, kRead);
  counters_.read.fetch_add(1, std::memory_order_relaxed);
  auto r = inner_->read(path, offset, buf);
  if (!r) {
    noteError("read", path, r.error());
    t.failed();
  } else {
    noteRead(*r);
  }
  return r;
}

Result<std::unique_ptr<UfsOutputStream>> InstrumentedUfs::doCreate(const std::string& path, const CreateOptions& opts) {
  Timer t(*this, kCreate);
  counters_.create.fetch_add(1, std::memory_order_relaxed);
  auto r = inner_->create(path, opts);
  if (!r) {
    noteError("create", path, r.error());
    t.failed();
  }
  return r;
}

Result<size_t> InstrumentedUfs::doReadIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms,
                                                uint64_t offset, std::span<char> buf) {
  Timer t(*this, kRead);
  counters_.read.fetch_add(1, std::memory_order_relaxed);
  auto r = inner_->readIfUnchanged(path, size, mtime_ms, offset, buf);
  if (r) {
    noteRead(*r);
  } else if (r.error().code() != StatusCode::kFailedPrecondition) {
    noteError("read", path, r.error());
    t.failed();
  }
  return r;
}

Status InstrumentedUfs::doMkdirs(const std::string& path, uint32_t mode) {
  Timer t(*this, kMkdirs);
  counters_.mkdirs.fetch_add(1, std::memory_order_relaxed);
  Status st = inner_->mkdirs(path, mode);
  if (!st) {
    noteError("mkdirs", path, st);
    t.failed();
  }
  return st;
}

Status InstrumentedUfs::doRemove(const std::string& path, bool recursive) {
  Timer t(*this, kRemove);
  counters_.remove.fetch_add(1, std::memory_order_relaxed);
  Status st = inner_->remove(path, recursive);
  if (!st) {
    noteError("remove", path, st);
    if (st.code() != StatusCode::kNotFound) t.failed();
  }
  return st;
}

Status InstrumentedUfs::doSetModificationTime(const std::string& path, int64_t mtime_ms) {
  Timer t(*this, kSetTime);
  Status st = inner_->setModificationTime(path, mtime_ms);
  if (!st && st.code() != StatusCode::kFailedPrecondition) {
    noteError("set time", path, st);
    t.failed();
  }
  return st;
}

Status InstrumentedUfs::doSymlink(const std::string& target, const std::string& path) {
  Timer t(*this, kSymlink);
  Status st = inner_->symlink(target, path);
  if (!st && st.code() != StatusCode::kNotSupported) {
    noteError("symlink", path, st);
    t.failed();
  }
  return st;
}

Status InstrumentedUfs::doSetXattr(const std::string& path, const std::string& name, const std::string& value) {
  Timer t(*this, kXattr);
  Status st = inner_->setXattr(path, name, value);
  if (!st && st.code() != StatusCode::kNotSupported) {
    noteError("setxattr", path, st);
    t.failed();
  }
  return st;
}

Status InstrumentedUfs::doRemoveXattr(const std::string& path, const std::string& name) {
  Timer t(*this, kXattr);
  Status st = inner_->removeXattr(path, name);
  if (!st && st.code() != StatusCode::kNotSupported) {
    noteError("removexattr", path, st);
    t.failed();
  }
  return st;
}

Status InstrumentedUfs::doConcat(const std::vector<std::string>& srcs, const std::string& dst) {
  Timer t(*this, kRename);  // a namespace change of the store, as a rename is
  Status st = inner_->concat(srcs, dst);
  if (!st && st.code() != StatusCode::kNotSupported) {
    noteError("concat", dst, st);
    t.failed();
  }
  return st;
}

Status InstrumentedUfs::doRename(const std::string& src, const std::string& dst, bool replace) {
  Timer t(*this, kRename);
  counters_.rename.fetch_add(1, std::memory_order_relaxed);
  Status st = inner_->rename(src, dst, replace);
  if (!st) {
    noteError("rename", src, st);
    t.failed();
  }
  return st;
}

}  // namespace shoal::ufs
