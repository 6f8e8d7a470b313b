#include "ufs/instrumented_ufs.h"

#include "common/logging.h"

namespace shoal::ufs {

void InstrumentedUfs::noteError(const char* op, const std::string& path, const Status& st) {
  counters_.errors.fetch_add(1, std::memory_order_relaxed);
  // NotFound is an ordinary answer (lookups of absent paths), not worth a log line.
  if (st.code() != StatusCode::kNotFound) {
    static auto log = logger("ufs");
    log->warn("{} {}{}: {}", op, inner_->uri(), path, st.toString());
  }
}

Result<UfsStatus> InstrumentedUfs::doGetStatus(const std::string& path) {
  counters_.get_status.fetch_add(1, std::memory_order_relaxed);
  auto r = inner_->getStatus(path);
  if (!r) noteError("getStatus", path, r.error());
  return r;
}

Result<std::vector<UfsStatus>> InstrumentedUfs::doList(const std::string& path) {
  counters_.list.fetch_add(1, std::memory_order_relaxed);
  auto r = inner_->list(path);
  if (!r) noteError("list", path, r.error());
  return r;
}

Result<size_t> InstrumentedUfs::doRead(const std::string& path, uint64_t offset, std::span<char> buf) {
  counters_.read.fetch_add(1, std::memory_order_relaxed);
  auto r = inner_->read(path, offset, buf);
  if (!r) noteError("read", path, r.error());
  else counters_.read_bytes.fetch_add(*r, std::memory_order_relaxed);
  return r;
}

Result<std::unique_ptr<UfsOutputStream>> InstrumentedUfs::doCreate(const std::string& path, const CreateOptions& opts) {
  counters_.create.fetch_add(1, std::memory_order_relaxed);
  auto r = inner_->create(path, opts);
  if (!r) noteError("create", path, r.error());
  return r;
}

Result<size_t> InstrumentedUfs::doReadIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms,
                                                uint64_t offset, std::span<char> buf) {
  counters_.read.fetch_add(1, std::memory_order_relaxed);
  auto r = inner_->readIfUnchanged(path, size, mtime_ms, offset, buf);
  if (r) {
    counters_.read_bytes.fetch_add(*r, std::memory_order_relaxed);
  } else if (r.error().code() != StatusCode::kFailedPrecondition) {
    noteError("read", path, r.error());
  }
  return r;
}

Status InstrumentedUfs::doMkdirs(const std::string& path, uint32_t mode) {
  counters_.mkdirs.fetch_add(1, std::memory_order_relaxed);
  Status st = inner_->mkdirs(path, mode);
  if (!st) noteError("mkdirs", path, st);
  return st;
}

Status InstrumentedUfs::doRemove(const std::string& path, bool recursive) {
  counters_.remove.fetch_add(1, std::memory_order_relaxed);
  Status st = inner_->remove(path, recursive);
  if (!st) noteError("remove", path, st);
  return st;
}

Status InstrumentedUfs::doSetModificationTime(const std::string& path, int64_t mtime_ms) {
  Status st = inner_->setModificationTime(path, mtime_ms);
  if (!st && st.code() != StatusCode::kFailedPrecondition) noteError("set time", path, st);
  return st;
}

Status InstrumentedUfs::doSymlink(const std::string& target, const std::string& path) {
  Status st = inner_->symlink(target, path);
  if (!st && st.code() != StatusCode::kNotSupported) noteError("symlink", path, st);
  return st;
}

Status InstrumentedUfs::doRename(const std::string& src, const std::string& dst, bool replace) {
  counters_.rename.fetch_add(1, std::memory_order_relaxed);
  Status st = inner_->rename(src, dst, replace);
  if (!st) noteError("rename", src, st);
  return st;
}

}  // namespace shoal::ufs
