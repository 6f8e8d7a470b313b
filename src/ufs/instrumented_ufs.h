// Decorator around any backend: counts every operation (for metrics and for tests that must prove
// the store was, or was not, read) and logs failures with the store's URI. Thread-safe.
#pragma once

#include <atomic>
#include <memory>

#include "ufs/ufs.h"

namespace shoal::ufs {

struct UfsCounters {
  std::atomic<uint64_t> get_status{0};
  std::atomic<uint64_t> list{0};
  std::atomic<uint64_t> read{0};
  std::atomic<uint64_t> read_bytes{0};
  std::atomic<uint64_t> create{0};
  std::atomic<uint64_t> mkdirs{0};
  std::atomic<uint64_t> remove{0};
  std::atomic<uint64_t> rename{0};
  std::atomic<uint64_t> errors{0};
};

class InstrumentedUfs final : public Ufs {
 public:
  explicit InstrumentedUfs(std::unique_ptr<Ufs> inner) : inner_(std::move(inner)) {}

  const std::string& uri() const override { return inner_->uri(); }
 protected:
  Result<UfsStatus> doGetStatus(const std::string& path) override;
  Result<std::vector<UfsStatus>> doList(const std::string& path) override;
  Result<size_t> doRead(const std::string& path, uint64_t offset, std::span<char> buf) override;
  Result<size_t> doReadIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                                 std::span<char> buf) override;
  Result<std::unique_ptr<UfsOutputStream>> doCreate(const std::string& path, const CreateOptions& opts) override;
  Status doMkdirs(const std::string& path, uint32_t mode) override;
  Status doRemove(const std::string& path, bool recursive) override;
  Status doRename(const std::string& src, const std::string& dst, bool replace) override;
  Status doSetModificationTime(const std::string& path, int64_t mtime_ms) override;
  Status doSymlink(const std::string& target, const std::string& path) override;

 public:

  const UfsCounters& counters() const { return counters_; }

 private:
  void noteError(const char* op, const std::string& path, const Status& st);
  std::unique_ptr<Ufs> inner_;
  UfsCounters counters_;
};

}  // namespace shoal::ufs
