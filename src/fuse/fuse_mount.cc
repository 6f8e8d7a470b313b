#include "fuse/fuse_mount.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/errno_status.h"
#include "common/logging.h"
#include "daemon/daemon.h"
#include "client/client_heartbeat.h"
#include "client/client_metrics.h"
#include "stubs/conf_sync.h"
#include "fuse/fuse_metrics.h"
#include "common/path.h"
#include "fuse/fuse_fs.h"
#include "fuse/fuse_shell.h"

namespace shoal::fuse {
namespace {

void opInit(void* userdata, fuse_conn_info* conn) {
  auto* f = static_cast<FuseFs*>(userdata);
  conn->max_readahead = static_cast<unsigned>(f->conf.getBytes(keys::kFuseMaxReadahead));
  // Requests of up to 1 MiB (libfuse derives the kernel's max_pages from max_write): a page per
  // request instead of eight.
  conn->max_write = 1 << 20;
  // Always READDIRPLUS: a listing then fills the kernel's dentries, saving a LOOKUP per entry.
  if (conn->capable & FUSE_CAP_READDIRPLUS) conn->want |= FUSE_CAP_READDIRPLUS;
  conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
  // O_TRUNC arrives with the open instead of as a separate truncate before it: the vfs empties
  // the file's next version only, and the published one stays until the close.
  if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC) conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
}

// Runs `fusermount3 ARGS...` and waits for it.
bool fusermount(const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>("fusermount3")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp("fusermount3", argv.data());
    ::_exit(127);
  }
  int status = 0;
  return pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// A mount whose daemon died answers every access with ENOTCONN: detach it.
Status cleanStale(const std::string& mp) {
  struct stat st;
  if (::stat(mp.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return Status(StatusCode::kNotADirectory, mp + ": the mount point is not a directory");
    return Status::ok();
  }
  if (errno != ENOTCONN) return errnoStatus(errno, "mount point " + mp);
  logger("fuse")->warn("{}: a Shoal mount whose daemon is gone; detaching it", mp);
  if (::umount2(mp.c_str(), MNT_DETACH) != 0 && !fusermount({"-u", "-z", mp})) {
    return Status(StatusCode::kUnavailable, mp + ": a stale mount that cannot be detached (try `umount -l`)");
  }
  if (::stat(mp.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return errnoStatus(errno, "mount point " + mp);
  return Status::ok();
}

std::string logName(const std::string& mountpoint) { return "fuse" + mountpoint; }

// Mounts and serves; `ready` is told "" once mounted, or the error, and closed.
Status serve(const Configuration& conf, const MountOptions& opts, int ready_fd) {
  auto report = [&](const Status& st) {
    if (ready_fd < 0) return;
    std::string msg = st ? "" : st.message();
    (void)!::write(ready_fd, msg.data(), msg.size());
    ::close(ready_fd);
    ready_fd = -1;
  };
  auto fail = [&](Status st) {
    report(st);
    return st;
  };
  auto log_file = daemon::openDaemonLog(conf, logName(opts.mountpoint));
  if (!log_file) return fail(log_file.error());
  auto root = normalizePath(opts.root);
  if (!root) return fail(root.error().withContext("--path"));
  const std::string prefix = conf.getString(keys::kFuseShellPrefix);
  if (prefix.size() < 2 || prefix[0] != '/' || prefix.find('/', 1) != std::string::npos) {
    return fail(invalidArgument(std::string(keys::kFuseShellPrefix) + "=" + prefix +
                                ": must be one name under the mount root, like /.shoal"));
  }
  FuseFs fs(conf, *root);
  fs.connect();
  auto info = fs.master->getStatus(*root);
  if (!info) return fail(info.error().withContext("mount " + *root));
  if (!info->is_dir()) return fail(Status(StatusCode::kNotADirectory, *root + ": not a directory"));

  fuse_lowlevel_ops ops{};
  ops.init = opInit;
  addReadOps(&ops);
  addWriteOps(&ops);
  daemon::Daemon daemon("fuse", conf);
  if (conf.getBool(keys::kFuseMetricsEnabled)) fs.op_metrics = std::make_unique<FuseOpMetrics>(daemon.metrics());
  client::declareClientMetrics(daemon.metrics(), *fs.master, *fs.reader);
  // Hot keys: the daemon's log level, the client's settings, the kernel timeouts; the version
  // comes by the watch and by the heartbeat's reply.
  auto fuse_conf = fs.followConfig(daemon.liveConfig());
  if (Status st = daemon.startAudit(logName(opts.mountpoint)); !st) return fail(st);
  fs.audit = daemon.audit();
  auto client_conf = fs.client->followConfig(daemon.liveConfig());
  const std::string client_id = client::newClientId();
  stubs::ConfSync conf_sync(fs.master->connection(), daemon.liveConfig(), "fuse", client::localHostName(), client_id);
  client::ClientHeartbeat heartbeat(conf, *fs.master, *fs.reader, "fuse", &daemon.liveConfig(), &conf_sync, client_id);
  Status web = daemon.startWeb(conf.getString(keys::kFuseWebBindHost), static_cast<int>(conf.getInt(keys::kFuseWebPort)),
                               keys::kFuseWebPort);
  if (!web) return fail(web);
  std::vector<std::string> args{"shoal-fuse", "-o", "fsname=shoal:" + *root + ",subtype=shoal,default_permissions"};
  for (const auto& o : opts.fuse_options) {
    args.push_back("-o");
    args.push_back(o);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  fuse_args fargs = FUSE_ARGS_INIT(static_cast<int>(argv.size()), argv.data());
  fs.session = fuse_session_new(&fargs, &ops, sizeof(ops), &fs);
  if (!fs.session) return fail(invalidArgument("FUSE rejected the mount options (see the log)"));
  if (fuse_set_signal_handlers(fs.session) != 0) {
    fuse_session_destroy(fs.session);
    return fail(Status(StatusCode::kInternal, "cannot install signal handlers"));
  }
  if (fuse_session_mount(fs.session, opts.mountpoint.c_str()) != 0) {
    fuse_remove_signal_handlers(fs.session);
    fuse_session_destroy(fs.session);
    return fail(Status(StatusCode::kUnavailable, "cannot mount on " + opts.mountpoint + " (see the log)"));
  }
  logger("fuse")->info("Shoal {} mounted on {}", *root, opts.mountpoint);
  report(Status::ok());
  fuse_loop_config* loop = fuse_loop_cfg_create();
  fuse_loop_cfg_set_max_threads(loop, static_cast<unsigned>(conf.getInt(keys::kFuseThreads)));
  int rc = fuse_session_loop_mt(fs.session, loop);
  // A signal or an unmount ends the loop through fuse_session_exit; libfuse then reports the
  // signal as the loop's result, which is a clean stop for us.
  bool clean = rc == 0 || rc == SIGTERM || rc == SIGINT || rc == SIGHUP || fuse_session_exited(fs.session);
  fuse_loop_cfg_destroy(loop);
  fuse_session_unmount(fs.session);
  fuse_remove_signal_handlers(fs.session);
  fuse_session_destroy(fs.session);
  logger("fuse")->info("unmounted {}", opts.mountpoint);
  return clean ? Status::ok() : Status(StatusCode::kIoError, "the FUSE loop ended with error " + std::to_string(rc));
}

}  // namespace

Status runMount(const Configuration& conf, const MountOptions& opts) {
  SHOAL_RETURN_IF_ERROR(cleanStale(opts.mountpoint));
  if (opts.foreground) return serve(conf, opts, -1);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return errnoStatus(errno, "pipe");
  pid_t pid = ::fork();
  if (pid < 0) return errnoStatus(errno, "fork");
  if (pid == 0) {
    // The daemon: its own session, no terminal. gRPC starts only now, after the fork.
    ::close(pipe_fds[0]);
    ::setsid();
    int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    Status st = serve(conf, opts, pipe_fds[1]);
    if (!st) logger("fuse")->error("{}", st.toString());
    flushLogs();
    ::_exit(st ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  std::string msg;
  char buf[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof(buf))) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    msg.append(buf, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  if (!msg.empty()) return Status(StatusCode::kUnavailable, msg);
  // An empty report means mounted, unless the daemon died before reporting.
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) return Status(StatusCode::kUnavailable, "the FUSE daemon exited at start-up");
  return Status::ok();
}

std::string mountLogPath(const Configuration& conf, const std::string& mountpoint) {
  return daemon::daemonLogPath(conf, logName(mountpoint));
}

Status unmount(const std::string& mountpoint) {
  if (::umount2(mountpoint.c_str(), 0) == 0) return Status::ok();
  int err = errno;
  if (err == EPERM && fusermount({"-u", mountpoint})) return Status::ok();
  if (err == EINVAL) return invalidArgument(mountpoint + ": not a mount point");
  return errnoStatus(err, "unmount " + mountpoint);
}

}  // namespace shoal::fuse
