#include "fuse/fuse_metrics.h"

#include <cstring>
#include <mutex>
#include <vector>

#include "fuse/fuse_fs.h"

namespace shoal::fuse {
namespace {

std::mutex names_mu;
std::vector<const char*>& names() {
  static std::vector<const char*> n;  // guarded by names_mu; string literals
  return n;
}

}  // namespace

size_t timedOpSlot(const char* name) {
  std::lock_guard lock(names_mu);
  auto& n = names();
  for (size_t i = 0; i < n.size(); i++) {
    if (std::strcmp(n[i], name) == 0) return i;
  }
  if (n.size() == kMaxTimedOps) return kMaxTimedOps - 1;  // never reached: FUSE has fewer operations
  n.push_back(name);
  return n.size() - 1;
}

FuseOpMetrics::FuseOpMetrics(metrics::Registry& r) {
  auto& ops = r.counterFamily("shoal_fuse_ops_total", "FUSE requests answered, by operation.", {"op"});
  auto& latency = r.histogramFamily("shoal_fuse_op_latency_seconds", "Time to answer a FUSE request, by operation.",
                                    {"op"}, metrics::kLatencyBuckets);
  errors_ = &r.counterFamily("shoal_fuse_errors_total", "FUSE requests answered with an error, by operation and errno.",
                             {"op", "errno"});
  std::lock_guard lock(names_mu);
  const auto& n = names();
  for (size_t i = 0; i < n.size(); i++) series_[i] = Series{&ops.with({n[i]}), &latency.with({n[i]})};
}

void FuseOpMetrics::record(size_t slot, std::chrono::steady_clock::time_point start) const {
  const Series& s = series_[slot];
  if (s.ops == nullptr) return;
  s.ops->inc();
  s.latency->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void FuseOpMetrics::recordError(const char* op, int err) const {
  const char* name = ::strerrorname_np(err);
  errors_->with({op, name != nullptr ? name : "unknown"}).inc();
}

const FuseOpMetrics* opMetrics(fuse_req_t req) { return fs(req)->op_metrics.get(); }

}  // namespace shoal::fuse
