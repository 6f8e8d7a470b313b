#include "daemon/thread_stacks.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <mutex>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace shoal::daemon {
namespace {

constexpr int kMaxFrames = 48;

// The one stack being taken. The handler writes it only when the target is its own thread and the
// request it answers is still the current one, so an answer that comes after its deadline cannot
// overwrite the next thread's.
struct Slot {
  std::atomic<long> target{0};
  std::atomic<uint64_t> request{0};
  std::atomic<uint64_t> answered{0};
  void* frames[kMaxFrames];
  int depth = 0;
};
Slot g_slot;

int stackSignal() { return SIGRTMIN + 6; }

void onStackSignal(int, siginfo_t*, void*) {
  int saved_errno = errno;
  long self = static_cast<long>(::syscall(SYS_gettid));
  uint64_t request = g_slot.request.load(std::memory_order_acquire);
  if (self == g_slot.target.load(std::memory_order_acquire)) {
    void* frames[kMaxFrames];
    int n = ::backtrace(frames, kMaxFrames);
    if (g_slot.request.load(std::memory_order_acquire) == request) {
      std::copy(frames, frames + n, g_slot.frames);
      g_slot.depth = n;
      g_slot.answered.store(request, std::memory_order_release);
    }
  }
  errno = saved_errno;
}

void installHandler() {
  // backtrace() loads libgcc's unwinder on first use (it allocates): do that here, not in a handler.
  void* warm[2];
  (void)::backtrace(warm, 2);
  struct sigaction sa {};
  sa.sa_sigaction = onStackSignal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  ::sigaction(stackSignal(), &sa, nullptr);
}

std::string symbolize(void* addr) {
  Dl_info info{};
  if (::dladdr(addr, &info) == 0 || info.dli_fname == nullptr) return fmt::format("{}", addr);
  std::string module = std::filesystem::path(info.dli_fname).filename().string();
  if (info.dli_sname == nullptr) {
    // Not exported: the offset into the module is what addr2line -e <module> takes.
    return fmt::format("{}+{:#x}", module,
                       reinterpret_cast<uintptr_t>(addr) - reinterpret_cast<uintptr_t>(info.dli_fbase));
  }
  int status = 0;
  char* demangled = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
  std::string name = status == 0 && demangled ? demangled : info.dli_sname;
  std::free(demangled);
  return fmt::format("{}+{:#x} ({})", name,
                     reinterpret_cast<uintptr_t>(addr) - reinterpret_cast<uintptr_t>(info.dli_saddr), module);
}

std::string readLine(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

bool takeStack(long tid, int timeout_ms, uint64_t request, ThreadInfo* out) {
  g_slot.target.store(tid, std::memory_order_release);
  g_slot.request.store(request, std::memory_order_release);
  if (::syscall(SYS_tgkill, ::getpid(), tid, stackSignal()) != 0) return false;  // the thread has exited
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (g_slot.answered.load(std::memory_order_acquire) != request) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  // Skip the handler's own frames and the signal trampoline.
  for (int i = 2; i < g_slot.depth; ++i) out->frames.push_back(symbolize(g_slot.frames[i]));
  return true;
}

}  // namespace

std::vector<ThreadInfo> listThreads(bool stacks, int timeout_ms) {
  std::vector<ThreadInfo> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    ThreadInfo t;
    std::string dir = e.path().string();
    t.tid = std::stol(e.path().filename().string());
    t.name = readLine(dir + "/comm");
    std::string stat = readLine(dir + "/stat");
    auto close = stat.rfind(')');
    t.state = close != std::string::npos && close + 2 < stat.size() ? stat.substr(close + 2, 1) : "?";
    t.wchan = readLine(dir + "/wchan");
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.tid < b.tid; });
  if (!stacks) return out;
  static std::once_flag installed;
  std::call_once(installed, installHandler);
  static std::mutex one_dump;
  static uint64_t requests = 0;  // guarded by one_dump
  std::lock_guard lock(one_dump);
  const long self = static_cast<long>(::syscall(SYS_gettid));
  for (auto& t : out) {
    if (t.tid == self) {
      // The thread serving the page: its stack is the page being rendered.
      void* frames[kMaxFrames];
      int n = ::backtrace(frames, kMaxFrames);
      for (int i = 0; i < n; ++i) t.frames.push_back(symbolize(frames[i]));
      t.stack_taken = true;
      continue;
    }
    t.stack_taken = takeStack(t.tid, timeout_ms, ++requests, &t);
  }
  g_slot.target.store(0, std::memory_order_release);
  return out;
}

}  // namespace shoal::daemon
