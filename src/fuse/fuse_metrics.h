// FUSE operations by type, counted and timed around each handler (the handlers reply before they
// return): shoal_fuse_ops_total{op} and shoal_fuse_op_latency_seconds{op}; errors answered from a
// Shoal status by operation and errno, shoal_fuse_errors_total{op, errno}. An operation table
// entry is wrapped with timed<opRead>("read"); the series are made once, at mount, by
// FuseOpMetrics. Recording is lock-free.
#pragma once

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

#include <array>
#include <chrono>

#include "common/metrics/registry.h"

namespace shoal::fuse {

inline constexpr size_t kMaxTimedOps = 48;

// The slot of operation `name` (the same name gives the same slot). Called while the operation
// table is built, before any request.
size_t timedOpSlot(const char* name);

class FuseOpMetrics {
 public:
  // Declares the families and one series per operation named so far.
  explicit FuseOpMetrics(metrics::Registry& registry);
  void record(size_t slot, std::chrono::steady_clock::time_point start) const;
  // An operation answered with an error (shoal_fuse_errors_total{op, errno}); `op` is a literal.
  void recordError(const char* op, int err) const;

 private:
  metrics::Family<metrics::Counter>* errors_ = nullptr;
  struct Series {
    metrics::Counter* ops = nullptr;
    metrics::Histogram* latency = nullptr;
  };
  std::array<Series, kMaxTimedOps> series_{};
};

// The metrics of the mount serving `req` (null before they exist).
const FuseOpMetrics* opMetrics(fuse_req_t req);

template <auto F>
struct Timed;
template <typename... A, void (*F)(fuse_req_t, A...)>
struct Timed<F> {
  static inline size_t slot = 0;
  static void call(fuse_req_t req, A... a) {
    const FuseOpMetrics* m = opMetrics(req);  // before F: its reply frees req
    auto start = std::chrono::steady_clock::now();
    F(req, a...);
    if (m != nullptr) m->record(slot, start);
  }
};

template <auto F>
auto timed(const char* name) {
  Timed<F>::slot = timedOpSlot(name);
  return &Timed<F>::call;
}

}  // namespace shoal::fuse
