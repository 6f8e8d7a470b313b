// Decorator around any backend: counts every operation (for metrics and for tests that must prove
// the store was, or was not, read) and logs failures with the store's URI. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>

#include "common/metrics/metric.h"
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

struct UfsMetrics;

class InstrumentedUfs final : public Ufs {
 public:
  // `metrics` (optional) outlives this store: the process's shared families.
  explicit InstrumentedUfs(std::unique_ptr<Ufs> inner, UfsMetrics* metrics = nullptr);

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
  Status doConcat(const std::vector<std::string>& srcs, const std::string& dst) override;
  Status doSetModificationTime(const std::string& path, int64_t mtime_ms) override;
  Status doSymlink(const std::string& target, const std::string& path) override;
  Status doSetXattr(const std::string& path, const std::string& name, const std::string& value) override;
  Status doRemoveXattr(const std::string& path, const std::string& name) override;

 public:

  const UfsCounters& counters() const { return counters_; }

 private:
  enum Op { kGetStatus, kList, kRead, kCreate, kMkdirs, kRemove, kRename, kSetTime, kSymlink, kXattr, kOpCount };
  struct OpSeries {
    metrics::Counter* ops = nullptr;
    metrics::Counter* errors = nullptr;
    metrics::Histogram* latency = nullptr;
  };
  // Counts and times one call; `failed` is whether its error is worth counting.
  class Timer {
   public:
    Timer(InstrumentedUfs& u, Op op) : u_(u), op_(op), start_(std::chrono::steady_clock::now()) {}
    ~Timer();
    void failed() { failed_ = true; }

   private:
    InstrumentedUfs& u_;
    Op op_;
    std::chrono::steady_clock::time_point start_;
    bool failed_ = false;
  };
  void noteError(const char* op, const std::string& path, const Status& st);
  void noteRead(size_t n);
  std::unique_ptr<Ufs> inner_;
  UfsCounters counters_;
  std::array<OpSeries, kOpCount> series_{};  // all null without metrics
  metrics::Counter* read_bytes_ = nullptr;
};

}  // namespace shoal::ufs
