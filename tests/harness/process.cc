#include "harness/process.h"

#include "testing/free_port.h"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace shoal::testing {
namespace {

std::vector<char*> cargv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ChildProcess::~ChildProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

bool ChildProcess::start(const std::vector<std::string>& argv, const std::string& log_path) {
  auto args = cargv(argv);
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    // Unblock what the test runner may have blocked, so SIGTERM behaves as in production.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  pid_ = pid;
  return true;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return r == 0;
}

int ChildProcess::stop(int sig) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

CommandResult runCommand(const std::vector<std::string>& argv, int timeout_s) {
  char out_tmpl[] = "/tmp/shoal-cmd-out-XXXXXX";
  char err_tmpl[] = "/tmp/shoal-cmd-err-XXXXXX";
  int out_fd = mkstemp(out_tmpl);
  int err_fd = mkstemp(err_tmpl);
  auto args = cargv(argv);
  CommandResult r;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    execv(args[0], args.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.err = "<timed out>";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::close(out_fd);
  ::close(err_fd);
  r.out = slurp(out_tmpl);
  r.err += slurp(err_tmpl);
  unlink(out_tmpl);
  unlink(err_tmpl);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

int freePort() { return freeLoopbackPort(); }

bool eventually(const std::function<bool()>& cond, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

}  // namespace shoal::testing

namespace shoal::testing {

std::string httpGet(int port, const std::string& path, int* status, const std::string& method) {
  auto r = runCommand({"/usr/bin/curl", "-s", "-X", method, "-o", "-", "-w", "\n%{http_code}",
                       "http://127.0.0.1:" + std::to_string(port) + path}, 30);
  const std::string& out = r.out;
  auto nl = out.rfind('\n');
  if (status) *status = nl == std::string::npos ? 0 : std::atoi(out.c_str() + nl + 1);
  return nl == std::string::npos ? out : out.substr(0, nl);
}

double metricValue(const std::string& exposition, const std::string& series) {
  size_t at = 0;
  while ((at = exposition.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || exposition[at - 1] == '\n') return std::stod(exposition.substr(at + series.size() + 1));
    at += series.size();
  }
  return -1;
}

}  // namespace shoal::testing
