// `shoal local up|down`: a master and a worker on this machine, in the background, over a local
// directory as the store — the quickest way to a working cluster. `up` returns once both answer;
// `down` stops exactly the processes `up` recorded.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "cli/cli.h"
#include "stubs/worker_registry_client.h"

namespace shoal::cli {
namespace {

namespace fs = std::filesystem;
constexpr auto kDeadline = std::chrono::seconds(60);

std::string selfBinary() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "shoal" : p.string();
}

// Starts `shoal ARGS...` detached (own session), output appended to `log`. Returns its pid.
Result<pid_t> spawn(const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = ::fork();
  if (pid < 0) return makeError(Status(StatusCode::kIoError, std::string("fork: ") + std::strerror(errno)));
  if (pid == 0) {
    ::setsid();
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in >= 0) ::dup2(in, 0);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// A live process (not a zombie) whose command line is a shoal daemon.
bool isShoalDaemon(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size() || line[close + 2] == 'Z') return false;
  std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline");
  std::string argv0;
  std::getline(cmd, argv0, '\0');
  return argv0.find("shoal") != std::string::npos;
}

std::optional<pid_t> readPid(const std::string& file) {
  std::ifstream in(file);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

// Waits until `ready` holds; fails if the process exits first or the deadline passes.
Status waitReady(pid_t pid, const std::string& role, const std::string& log, const std::function<bool()>& ready) {
  auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return Status::ok();
    int wstatus = 0;
    if (::waitpid(pid, &wstatus, WNOHANG) == pid) {
      return Status(StatusCode::kUnavailable, fmt::format("the {} exited at start-up; see {}", role, log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status(StatusCode::kDeadlineExceeded, fmt::format("the {} did not answer within 60 s; see {}", role, log));
}

void stopPid(const std::string& file, const std::string& role) {
  auto pid = readPid(file);
  if (!pid || !isShoalDaemon(*pid)) {
    std::cout << "No local " << role << " is running.\n";
    std::error_code ec;
    fs::remove(file, ec);
    return;
  }
  ::kill(*pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (isShoalDaemon(*pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (isShoalDaemon(*pid)) ::kill(*pid, SIGKILL);
  std::error_code ec;
  fs::remove(file, ec);
  std::cout << "Stopped the local " << role << " (pid " << *pid << ").\n";
}

Status up(CliContext& ctx, const std::string& dir, const std::string& store) {
  std::error_code ec;
  fs::create_directories(dir + "/journal", ec);
  if (!ec) fs::create_directories(store, ec);
  if (ec) return Status(StatusCode::kIoError, fmt::format("{}: {}", dir, ec.message()));
  if (auto pid = readPid(dir + "/master.pid"); pid && isShoalDaemon(*pid)) {
    return Status(StatusCode::kAlreadyExists,
                  fmt::format("a local cluster is already running from {} (master pid {}); `shoal local down` first",
                              dir, *pid));
  }
  // Another cluster's master on the same port would answer the readiness check for ours (which
  // then fails to bind and exits), and everything after would talk to the wrong cluster.
  const std::string maddr = ctx.master().address();
  if (stubs::MasterClient::masterInfoAt(maddr, 2000)) {
    return Status(StatusCode::kAlreadyExists,
                  fmt::format("a Shoal master already answers on {} (another local cluster? stop it with `shoal local "
                              "down --dir ITS_DIR`, or pick another port: -D{}=PORT)",
                              maddr, keys::kMasterRpcPort));
  }
  const std::string self = selfBinary();
  // Daemons log to DIR/logs unless the caller's -D says otherwise.
  std::vector<std::string> common{"-D" + std::string(keys::kLogDir) + "=" + fs::absolute(dir).string() + "/logs"};
  for (const auto& o : ctx.overrides) common.push_back("-D" + o);
  std::vector<std::string> margs{self, "master", "-D" + std::string(keys::kMasterJournalFolder) + "=" + dir + "/journal",
                                 "-D" + std::string(keys::kMasterRootUfs) + "=file://" + fs::absolute(store).string()};
  margs.insert(margs.end(), common.begin(), common.end());  // the caller's -D win over ours
  auto mpid = spawn(margs, dir + "/master.log");
  if (!mpid) return mpid.error();
  std::ofstream(dir + "/master.pid") << *mpid << "\n";
  SHOAL_RETURN_IF_ERROR(waitReady(*mpid, "master", dir + "/master.log", [&] { return ctx.master().masterInfo().has_value(); }));
  std::cout << fmt::format("Shoal master running (pid {}) on {}, / mounted on file://{}\n", *mpid,
                           ctx.master().address(), fs::absolute(store).string());
  if (int web = static_cast<int>(ctx.conf.getInt(keys::kMasterWebPort)); web > 0) {
    const std::string& host = ctx.conf.getString(keys::kMasterWebBindHost);
    std::cout << fmt::format("Web UI and metrics: http://{}:{}/\n",
                             host.empty() ? ctx.conf.getString(keys::kMasterHostname) : host, web);
  }

  std::vector<std::string> wargs{self, "worker"};
  wargs.insert(wargs.end(), common.begin(), common.end());
  auto wpid = spawn(wargs, dir + "/worker.log");
  if (!wpid) return wpid.error();
  std::ofstream(dir + "/worker.pid") << *wpid << "\n";
  const std::string address = ctx.conf.getString(keys::kWorkerHostname) + ":" + std::to_string(ctx.conf.getInt(keys::kWorkerRpcPort));
  stubs::WorkerRegistryClient registry(ctx.master().addresses(), ctx.conf.getDurationMs(keys::kUserRpcTimeout));
  SHOAL_RETURN_IF_ERROR(waitReady(*wpid, "worker", dir + "/worker.log", [&] {
    auto ws = registry.workers(false);
    if (!ws) return false;
    for (const auto& w : *ws) {
      if (w.address() == address) return true;
    }
    return false;
  }));
  std::cout << fmt::format("Shoal worker running (pid {}) on {}\n", *wpid, address);
  std::cout << fmt::format("Logs in {}/logs; stop both with `shoal local down --dir {}`\n", fs::absolute(dir).string(), dir);
  return Status::ok();
}

}  // namespace

void registerLocalCommands(CLI::App& app, CliContext& ctx) {
  auto* local = app.add_subcommand("local", "A master and a worker on this machine, in the background");
  local->require_subcommand(1);
  auto dir = std::make_shared<std::string>("/tmp/shoal-local");
  auto store = std::make_shared<std::string>();
  auto* upc = local->add_subcommand("up", "Start a master (with / mounted on a local directory) and a worker, "
                                          "and wait until both answer");
  upc->add_option("--dir", *dir, "Directory for the journal, logs and pid files (default /tmp/shoal-local)");
  upc->add_option("--store", *store, "Local directory mounted at / (default DIR/data)");
  upc->callback([&ctx, dir, store] {
    Status st = up(ctx, *dir, store->empty() ? *dir + "/data" : *store);
    if (!st) {
      ctx.fail("local up", st);
      if (st.code() == StatusCode::kAlreadyExists) return;  // not ours to stop
      stopPid(*dir + "/worker.pid", "worker");
      stopPid(*dir + "/master.pid", "master");
    }
  });
  auto* downc = local->add_subcommand("down", "Stop the master and worker that `shoal local up` started");
  downc->add_option("--dir", *dir, "The directory given to `up` (default /tmp/shoal-local)");
  downc->callback([dir] {
    stopPid(*dir + "/worker.pid", "worker");
    stopPid(*dir + "/master.pid", "master");
  });
}

}  // namespace shoal::cli
