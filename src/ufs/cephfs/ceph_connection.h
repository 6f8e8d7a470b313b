// One libcephfs mount of a CephFS directory, shared by every thread of the process that uses the
// Shoal mount it backs. libcephfs blocks for as long as the cluster is away (its MDS requests have
// no timeout), so every call runs under a deadline: a watchdog thread aborts the mount when a call
// overruns it, the blocked calls return, and the next call mounts afresh. A store that went away
// therefore costs each caller at most one timeout, and Shoal recovers when it comes back without a
// restart. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

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
  ~CephConnection();
  CephConnection(const CephConnection&) = delete;
  CephConnection& operator=(const CephConnection&) = delete;

  // Runs `fn` (a libcephfs call returning 0/positive or -errno) on the live mount under the
  // deadline. Returns its result, or Unavailable naming the store when the cluster cannot be
  // reached or the call overran. `what` names the operation and path for messages.
  Result<int64_t> call(const std::string& what, const std::function<int64_t(ceph_mount_info*)>& fn);

  const CephConfig& config() const { return config_; }

 private:
  struct Mount;
  explicit CephConnection(CephConfig config);
  Result<std::shared_ptr<Mount>> mountNow();
  Result<std::shared_ptr<Mount>> current();
  void watch();

  const CephConfig config_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<Mount> mount_;                             // guarded by mu_; null after an abort
  std::chrono::steady_clock::time_point last_failure_{};    // guarded by mu_
  Status last_error_;                                       // guarded by mu_
  std::mutex remount_mu_;                                   // one remount at a time
  bool stop_ = false;                                       // guarded by mu_
  std::thread watchdog_;
};

}  // namespace shoal::ufs
