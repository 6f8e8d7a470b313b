#include "ufs/cephfs/ceph_connection.h"

#include <atomic>
#include <cephfs/libcephfs.h>
#include <condition_variable>
#include <deque>
#include <fmt/format.h>
#include <optional>
#include <spdlog/spdlog.h>
#include <thread>

#include "common/errno_status.h"

namespace shoal::ufs {
namespace {

// A value computed on a helper thread, handed over if the waiter is still there.
template <typename T>
struct Handoff {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  T value{};

  void put(T v) {
    {
      std::lock_guard lock(mu);
      value = std::move(v);
      done = true;
    }
    cv.notify_all();
  }
  // The value, or nullopt when `deadline` passed first.
  std::optional<T> take(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu);
    if (!cv.wait_until(lock, deadline, [&] { return done; })) return std::nullopt;
    return std::move(value);
  }
};

}  // namespace

// A fixed set of threads for the connection's calls. A thread stuck in libcephfs (the cluster is
// away) stays stuck, but the set never grows: once every thread is busy and the short queue is
// full, a call fails at once instead of adding a thread. The threads own the shared state, so a
// connection dropped while some are stuck never waits for them.
class CephConnection::CallPool {
 public:
  CallPool(size_t threads, size_t queue) : state_(std::make_shared<State>()) {
    state_->max_queue = queue;
    for (size_t i = 0; i < threads; ++i) {
      std::thread([s = state_] {
        std::unique_lock lock(s->mu);
        for (bool first = true;; first = false) {
          ++s->idle;
          if (first) s->started.notify_all();
          s->cv.wait(lock, [&] { return s->stopping || !s->tasks.empty(); });
          --s->idle;
          if (s->tasks.empty()) return;
          auto task = std::move(s->tasks.front());
          s->tasks.pop_front();
          lock.unlock();
          task();
          lock.lock();
        }
      }).detach();
    }
    // Every thread waits for work before the first call, so none is refused while threads start.
    std::unique_lock lock(state_->mu);
    state_->started.wait(lock, [&] { return state_->idle == threads; });
  }
  ~CallPool() {
    {
      std::lock_guard lock(state_->mu);
      state_->stopping = true;
    }
    state_->cv.notify_all();
  }
  // False when the queue is full (every thread is busy, and that many calls already wait). Tasks
  // an idle thread is about to take do not count against the queue, so the admission is exact
  // whatever the threads' wake-up order.
  bool submit(std::function<void()> task) {
    {
      std::lock_guard lock(state_->mu);
      if (state_->tasks.size() >= state_->max_queue + state_->idle) return false;
      state_->tasks.push_back(std::move(task));
    }
    state_->cv.notify_one();
    return true;
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::condition_variable started;
    std::deque<std::function<void()>> tasks;  // guarded by mu
    size_t max_queue = 0;
    size_t idle = 0;        // guarded by mu: threads waiting for a task
    bool stopping = false;  // guarded by mu
  };
  std::shared_ptr<State> state_;
};

CephConnection::CephConnection(CephConfig config)
    : config_(std::move(config)), pool_(std::make_unique<CallPool>(kCallThreads, kCallQueue)) {}

CephConnection::~CephConnection() = default;

struct CephConnection::Mount {
  ceph_mount_info* cmount = nullptr;
  bool mounted = false;
  std::atomic<bool> retired{false};

  ~Mount() {
    if (!cmount) return;
    ceph_mount_info* c = cmount;
    bool unmount = mounted;
    if (retired) {
      // A retired mount's cluster may still be away, and unmounting would wait for it: let a
      // thread of its own wait instead of whoever dropped the last reference.
      std::thread([c, unmount] {
        if (unmount) ceph_unmount(c);
        ceph_release(c);
      }).detach();
      return;
    }
    if (unmount) ceph_unmount(c);
    ceph_release(c);
  }
};

Result<std::shared_ptr<CephConnection>> CephConnection::open(CephConfig config) {
  std::shared_ptr<CephConnection> conn(new CephConnection(std::move(config)));
  auto m = conn->mountWithDeadline();
  if (!m) return makeError(m.error());
  conn->mount_ = *m;
  return conn;
}

namespace {

// Creates, configures and mounts a handle; blocking (run on a helper thread).
Status mountBlocking(const CephConfig& config, ceph_mount_info* m) {
  auto fail = [&](int rc, const std::string& step) {
    std::string hint;
    if (rc == -ETIMEDOUT || rc == -ENOTCONN || rc == -ECONNREFUSED) {
      hint = " (is the Ceph cluster in " + config.conf_path + " running?)";
    }
    Status st = errnoStatus(-rc, fmt::format("{}: {}", config.uri, step));
    return Status(st.code(), st.message() + hint);
  };
  int rc = ceph_conf_read_file(m, config.conf_path.c_str());
  if (rc < 0) return fail(rc, "cannot read ceph.conf " + config.conf_path);
  std::string seconds = std::to_string(std::max<int64_t>(1, config.timeout.count() / 1000));
  // The library's own timeouts (mount, OSD and monitor operations) are bounded too.
  for (auto [key, value] : {std::pair<const char*, std::string>{"client_mount_timeout", seconds},
                            {"rados_osd_op_timeout", seconds},
                            {"rados_mon_op_timeout", seconds}}) {
    rc = ceph_conf_set(m, key, value.c_str());
    if (rc < 0) return fail(rc, std::string("cannot set ") + key);
  }
  if (!config.keyring.empty()) {
    rc = ceph_conf_set(m, "keyring", config.keyring.c_str());
    if (rc < 0) return fail(rc, "cannot use keyring " + config.keyring);
  }
  rc = ceph_init(m);
  if (rc < 0) return fail(rc, "cannot reach the Ceph cluster");
  if (!config.fs_name.empty()) {
    rc = ceph_select_filesystem(m, config.fs_name.c_str());
    if (rc < 0) return fail(rc, "cannot select file system '" + config.fs_name + "'");
  }
  rc = ceph_mount(m, config.root.c_str());
  if (rc == -ENOENT) {
    return Status(StatusCode::kNotFound,
                  fmt::format("{}: the directory {} does not exist in CephFS{}", config.uri, config.root,
                              config.fs_name.empty() ? "" : " '" + config.fs_name + "'"));
  }
  if (rc < 0) return fail(rc, "cannot mount CephFS");
  return Status::ok();
}

}  // namespace

Result<std::shared_ptr<CephConnection::Mount>> CephConnection::mountWithDeadline() {
  auto m = std::make_shared<Mount>();
  int rc = ceph_create(&m->cmount, config_.client_id.empty() ? nullptr : config_.client_id.c_str());
  if (rc < 0) return makeError(errnoStatus(-rc, config_.uri + ": cannot create a libcephfs handle"));
  auto handoff = std::make_shared<Handoff<Status>>();
  // The helper owns a reference: a mount that completes after we gave up is released by it.
  std::thread([handoff, m, config = config_] {
    Status st = mountBlocking(config, m->cmount);
    m->mounted = st.isOk();
    handoff->put(st);
  }).detach();
  // ceph_mount has its own timeout; the margin lets it report its own, more precise, error.
  auto st = handoff->take(std::chrono::steady_clock::now() + config_.timeout + std::chrono::seconds(2));
  if (!st) {
    m->retired = true;
    return makeError(Status(StatusCode::kUnavailable,
                            fmt::format("{}: cannot mount CephFS: the Ceph cluster in {} did not answer within {} ms "
                                        "(is it running?)", config_.uri, config_.conf_path, config_.timeout.count())));
  }
  if (!st->isOk()) return makeError(*st);
  return m;
}

Result<std::shared_ptr<CephConnection::Mount>> CephConnection::current() {
  {
    std::lock_guard lock(mu_);
    if (mount_) return mount_;
  }
  // One caller mounts; the others wait for its outcome rather than piling up mounts.
  std::lock_guard remount(remount_mu_);
  {
    std::lock_guard lock(mu_);
    if (mount_) return mount_;
    // A cluster that just failed us is not asked again within one timeout: callers fail fast.
    if (std::chrono::steady_clock::now() - last_failure_ < config_.timeout) return makeError(last_error_);
  }
  auto m = mountWithDeadline();
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

void CephConnection::retire(const std::shared_ptr<Mount>& m) {
  std::lock_guard lock(mu_);
  m->retired = true;
  if (mount_ == m) {
    spdlog::warn("{}: a CephFS call overran {} ms; the next call mounts again", config_.uri, config_.timeout.count());
    mount_.reset();
    last_failure_ = std::chrono::steady_clock::now();
    last_error_ = Status(StatusCode::kUnavailable,
                         fmt::format("{}: the Ceph cluster did not answer within {} ms (is it running?)", config_.uri,
                                     config_.timeout.count()));
  }
}

Result<int64_t> CephConnection::call(const std::string& what, std::function<int64_t(ceph_mount_info*)> fn) {
  auto m = current();
  if (!m) return makeError(m.error().withContext(what));
  auto handoff = std::make_shared<Handoff<int64_t>>();
  if (!pool_->submit([handoff, mount = *m, fn = std::move(fn)] { handoff->put(fn(mount->cmount)); })) {
    return makeError(Status(StatusCode::kUnavailable,
                            fmt::format("{}: {}: all {} CephFS call threads are busy or stuck and {} calls wait "
                                        "(is the Ceph cluster answering?)",
                                        config_.uri, what, kCallThreads, kCallQueue)));
  }
  auto rc = handoff->take(std::chrono::steady_clock::now() + config_.timeout);
  if (!rc) {
    retire(*m);
    return makeError(Status(StatusCode::kUnavailable,
                            fmt::format("{}: {}: the Ceph cluster did not answer within {} ms (is it running?)",
                                        config_.uri, what, config_.timeout.count())));
  }
  return *rc;
}

}  // namespace shoal::ufs
