// One libcephfs mount of a CephFS directory, shared by every thread of the process that uses the
// Shoal mount it backs.
//
// libcephfs waits for as long as the cluster is away: an MDS request with no active MDS has no
// timeout, and ceph_abort_conn() itself blocks then (measured: the caller and the abort both hang
// until the MDS is back). So every call runs on one of the connection's call threads (a fixed set:
// a call finding them all stuck and the queue full fails at once) and the caller waits for it only
// until the deadline. A call that overruns it retires the mount (the call finishes, or not, on
// its own thread, owning everything it touches), the caller gets Unavailable naming the store, and
// the next call mounts afresh, at most one attempt per timeout. A store that went away costs each
// caller at most one timeout, and Shoal recovers when it comes back without a restart. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"

struct ceph_mount_info;

namespace shoal::ufs {

struct CephConfig {
  std::string uri;        // for messages
  std::string conf_path;  // ceph.conf with the monitors' addresses
  std::string client_id;  // "admin" unless given
  std::string keyring;    // "" = from ceph.conf
  std::string fs_name;    // "" = the cluster's default file system
  std::string root;       // directory of the file system mounted as the store's root
  std::chrono::milliseconds timeout{10000};
};

class CephConnection {
 public:
  // Mounts now, so a bad configuration or an unreachable cluster is a mount-time error.
  static Result<std::shared_ptr<CephConnection>> open(CephConfig config);
  CephConnection(const CephConnection&) = delete;
  CephConnection& operator=(const CephConnection&) = delete;

  // Runs `fn` (a libcephfs call returning >= 0 or -errno) on the live mount under the deadline.
  // `fn` may outlive this call, so it must own (or share) everything it reads or writes. Returns
  // its result, or Unavailable naming the store when the cluster cannot be reached or the call
  // overran. `what` names the operation and path for messages.
  Result<int64_t> call(const std::string& what, std::function<int64_t(ceph_mount_info*)> fn);

  const CephConfig& config() const { return config_; }
  ~CephConnection();

  // Threads per connection for libcephfs calls, and calls that may wait for one.
  static constexpr size_t kCallThreads = 32;
  static constexpr size_t kCallQueue = 256;

 private:
  struct Mount;
  class CallPool;
  explicit CephConnection(CephConfig config);
  Result<std::shared_ptr<Mount>> mountWithDeadline();
  Result<std::shared_ptr<Mount>> current();
  void retire(const std::shared_ptr<Mount>& m);

  const CephConfig config_;
  std::mutex mu_;
  std::shared_ptr<Mount> mount_;                           // guarded by mu_; null once retired
  std::chrono::steady_clock::time_point last_failure_{};  // guarded by mu_
  Status last_error_;                                     // guarded by mu_
  std::mutex remount_mu_;                                 // one mount attempt at a time
  std::unique_ptr<CallPool> pool_;
};

}  // namespace shoal::ufs
