#include "ufs/cephfs/ceph_connection.h"

#include <atomic>
#include <cephfs/libcephfs.h>
#include <cstring>
#include <fmt/format.h>
#include <map>
#include <spdlog/spdlog.h>

#include "common/errno_status.h"

namespace shoal::ufs {

struct CephConnection::Mount {
  ceph_mount_info* cmount = nullptr;
  bool mounted = false;
  std::atomic<bool> aborted{false};
  std::mutex mu;
  uint64_t next_call = 0;                                                     // guarded by mu
  std::map<uint64_t, std::chrono::steady_clock::time_point> deadlines;        // guarded by mu

  ~Mount() {
    if (!cmount) return;
    // An aborted mount's sessions are gone already; unmount would wait for the dead cluster.
    if (mounted && !aborted) ceph_unmount(cmount);
    ceph_release(cmount);
  }
};

CephConnection::CephConnection(CephConfig config) : config_(std::move(config)) {}

CephConnection::~CephConnection() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

Result<std::shared_ptr<CephConnection>> CephConnection::open(CephConfig config) {
  std::shared_ptr<CephConnection> conn(new CephConnection(std::move(config)));
  auto m = conn->mountNow();
  if (!m) return makeError(m.error());
  conn->mount_ = *m;
  conn->watchdog_ = std::thread([c = conn.get()] { c->watch(); });
  return conn;
}

Result<std::shared_ptr<CephConnection::Mount>> CephConnection::mountNow() {
  auto m = std::make_shared<Mount>();
  auto fail = [&](int rc, const std::string& step) {
    std::string hint;
    if (rc == -ETIMEDOUT || rc == -ENOTCONN || rc == -ECONNREFUSED) {
      hint = " (is the Ceph cluster in " + config_.conf_path + " running?)";
    }
    Status st = errnoStatus(-rc, fmt::format("{}: {}", config_.uri, step));
    return makeError(Status(st.code(), st.message() + hint));
  };
  int rc = ceph_create(&m->cmount, config_.client_id.empty() ? nullptr : config_.client_id.c_str());
  if (rc < 0) return fail(rc, "cannot create a libcephfs handle");
  rc = ceph_conf_read_file(m->cmount, config_.conf_path.c_str());
  if (rc < 0) return fail(rc, "cannot read ceph.conf " + config_.conf_path);
  std::string seconds = std::to_string(std::max<int64_t>(1, config_.timeout.count() / 1000));
  // Mount and the OSD/monitor operations have timeouts of their own: bound them too.
  for (auto [key, value] : {std::pair<const char*, std::string>{"client_mount_timeout", seconds},
                            {"rados_osd_op_timeout", seconds},
                            {"rados_mon_op_timeout", seconds}}) {
    rc = ceph_conf_set(m->cmount, key, value.c_str());
    if (rc < 0) return fail(rc, std::string("cannot set ") + key);
  }
  if (!config_.keyring.empty()) {
    rc = ceph_conf_set(m->cmount, "keyring", config_.keyring.c_str());
    if (rc < 0) return fail(rc, "cannot use keyring " + config_.keyring);
  }
  rc = ceph_init(m->cmount);
  if (rc < 0) return fail(rc, "cannot reach the Ceph cluster");
  if (!config_.fs_name.empty()) {
    rc = ceph_select_filesystem(m->cmount, config_.fs_name.c_str());
    if (rc < 0) return fail(rc, "cannot select file system '" + config_.fs_name + "'");
  }
  rc = ceph_mount(m->cmount, config_.root.c_str());
  if (rc == -ENOENT) {
    return makeError(Status(StatusCode::kNotFound,
                            fmt::format("{}: the directory {} does not exist in CephFS{}", config_.uri, config_.root,
                                        config_.fs_name.empty() ? "" : " '" + config_.fs_name + "'")));
  }
  if (rc < 0) return fail(rc, "cannot mount CephFS");
  m->mounted = true;
  return m;
}

Result<std::shared_ptr<CephConnection::Mount>> CephConnection::current() {
  {
    std::lock_guard lock(mu_);
    if (mount_) return mount_;
  }
  // One caller remounts; the others wait for its outcome rather than piling up mounts.
  std::lock_guard remount(remount_mu_);
  {
    std::lock_guard lock(mu_);
    if (mount_) return mount_;
    // A cluster that just refused us is not asked again within one timeout: callers fail fast.
    if (std::chrono::steady_clock::now() - last_failure_ < config_.timeout) return makeError(last_error_);
  }
  auto m = mountNow();
  std::lock_guard lock(mu_);
  if (!m) {
    last_failure_ = std::chrono::steady_clock::now();
    last_error_ = Status(StatusCode::kUnavailable, m.error().message());
    return makeError(last_error_);
  }
  spdlog::info("{}: CephFS mounted again", config_.uri);
  mount_ = *m;
  return mount_;
}

Result<int64_t> CephConnection::call(const std::string& what, const std::function<int64_t(ceph_mount_info*)>& fn) {
  auto m = current();
  if (!m) return makeError(m.error().withContext(what));
  uint64_t id;
  {
    std::lock_guard lock((*m)->mu);
    id = (*m)->next_call++;
    (*m)->deadlines[id] = std::chrono::steady_clock::now() + config_.timeout;
  }
  int64_t rc = fn((*m)->cmount);
  {
    std::lock_guard lock((*m)->mu);
    (*m)->deadlines.erase(id);
  }
  if ((*m)->aborted) {
    return makeError(Status(StatusCode::kUnavailable,
                            fmt::format("{}: {}: the Ceph cluster did not answer within {} ms (is it running?)",
                                        config_.uri, what, config_.timeout.count())));
  }
  return rc;
}

void CephConnection::watch() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(100));
    std::shared_ptr<Mount> m = mount_;
    if (!m) continue;
    bool overdue = false;
    {
      std::lock_guard calls(m->mu);
      auto now = std::chrono::steady_clock::now();
      for (const auto& [id, deadline] : m->deadlines) overdue = overdue || deadline < now;
    }
    if (!overdue) continue;
    spdlog::warn("{}: a CephFS call overran {} ms; aborting the mount so blocked calls return", config_.uri,
                 config_.timeout.count());
    m->aborted = true;
    mount_.reset();
    lock.unlock();
    // Outside mu_: aborting wakes the blocked callers, which then finish with the mount.
    ceph_abort_conn(m->cmount);
    lock.lock();
  }
}

}  // namespace shoal::ufs
