// The threads of this process and, on request, each one's user-space stack: what /threads and
// /api/v1/threads show, the first thing to look at when a daemon hangs. A stack is taken by
// sending the thread a real-time signal whose handler records its frames (the way a Java thread
// dump stops each thread briefly); the handler is installed with SA_RESTART, so a system call it
// interrupts is restarted, and a thread that does not answer in time (blocked with signals
// masked) is reported as such. One dump at a time.
#pragma once

#include <string>
#include <vector>

namespace shoal::daemon {

struct ThreadInfo {
  long tid = 0;
  std::string name;
  std::string state;   // from /proc: R running, S sleeping, D in uninterruptible wait, ...
  std::string wchan;   // the kernel function it waits in
  bool stack_taken = false;
  std::vector<std::string> frames;  // innermost first: "function+0xoff (module)"
};

// Every thread of this process; with `stacks`, each one's stack, waiting up to `timeout_ms` per thread.
std::vector<ThreadInfo> listThreads(bool stacks, int timeout_ms = 200);

}  // namespace shoal::daemon
