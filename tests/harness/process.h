// Child processes for integration tests: started with fork/exec, output to files, stopped by
// signal, and reaped. Only processes this object started are ever signalled.
#pragma once

#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace shoal::testing {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] with argv; stdout and stderr go to `log_path` (appended).
  bool start(const std::vector<std::string>& argv, const std::string& log_path);
  bool running();
  // Sends `sig` and waits for the exit; returns the wait status.
  int stop(int sig);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Polls `cond` until it holds or `seconds` pass (a deadline, never a fixed sleep).
bool eventually(const std::function<bool()>& cond, int seconds = 30);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a command to completion (bounded by `timeout_s`, then killed) and captures its output.
CommandResult runCommand(const std::vector<std::string>& argv, int timeout_s = 120);

// `method` http://127.0.0.1:port/path through curl: the body, and the HTTP status in `status`
// (0 when nothing answered).
std::string httpGet(int port, const std::string& path, int* status = nullptr, const std::string& method = "GET");
// The value of the series named exactly `series` (with its labels, as exposed) in a Prometheus
// text exposition, or -1 when it is absent.
double metricValue(const std::string& exposition, const std::string& series);

// A TCP port on 127.0.0.1 that was free a moment ago.
int freePort();

}  // namespace shoal::testing
