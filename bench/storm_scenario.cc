// The motivating case: P processes start at once and each reads the same tree (every file, whole)
// through a mount path. Two passes per path: cold (whatever the mount has not seen) and warm. The
// figure is the files all processes read over the time the slowest one took; beside it, the
// store-side metadata requests of the pass (a Ceph daemon's `perf dump` counter, when given).
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include "scenarios.h"

namespace shoal::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct ChildResult {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  double seconds = 0;
};

// One process's walk: list every directory, open and read every file to its end.
ChildResult walk(const std::string& root) {
  ChildResult r;
  std::vector<char> buf(1 << 20);
  auto t0 = Clock::now();
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    int fd = ::open(it->path().c_str(), O_RDONLY);
    if (fd < 0) {
      ++r.errors;
      continue;
    }
    for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0;) r.bytes += static_cast<uint64_t>(n);
    ::close(fd);
    ++r.files;
  }
  if (ec) ++r.errors;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

// A counter of a Ceph daemon (`section.name` of `perf dump` on its admin socket); 0 without one.
uint64_t cephCounter(const std::string& asok, const std::string& section, const std::string& name) {
  if (asok.empty()) return 0;
  FILE* p = ::popen(("ceph --admin-daemon " + asok + " perf dump 2>/dev/null").c_str(), "r");
  if (!p) return 0;
  std::string out;
  char chunk[65536];
  for (size_t n; (n = std::fread(chunk, 1, sizeof(chunk), p)) > 0;) out.append(chunk, n);
  ::pclose(p);
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded() || !j.contains(section)) return 0;
  return j[section].value(name, uint64_t{0});
}

// P processes released together (a pipe closes to start them); the slowest one's time.
Figure stormPass(const std::string& name, const std::string& baseline, const std::string& root, int processes,
                 const StormSpec& spec) {
  int go[2], results[2];
  if (::pipe(go) != 0 || ::pipe(results) != 0) throw std::runtime_error("pipe failed");
  std::vector<pid_t> kids;
  for (int i = 0; i < processes; ++i) {
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      ::close(go[1]);
      char c;
      (void)::read(go[0], &c, 1);  // returns 0 when the parent closes the pipe: everyone starts
      ChildResult r = walk(root);
      (void)::write(results[1], &r, sizeof(r));
      ::_exit(0);
    }
    kids.push_back(pid);
  }
  ::close(go[0]);
  ::close(results[1]);
  uint64_t mds0 = cephCounter(spec.mds_asok, "mds", "request");
  uint64_t rgw0 = cephCounter(spec.rgw_asok, "rgw", "req");
  auto t0 = Clock::now();
  ::close(go[1]);
  ChildResult total;
  double slowest = 0;
  for (int i = 0; i < processes; ++i) {
    ChildResult r;
    if (::read(results[0], &r, sizeof(r)) != sizeof(r)) throw std::runtime_error(name + ": a reader died");
    total.files += r.files;
    total.bytes += r.bytes;
    total.errors += r.errors;
    slowest = std::max(slowest, r.seconds);
  }
  double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  for (pid_t pid : kids) ::waitpid(pid, nullptr, 0);
  ::close(results[0]);
  if (total.errors > 0) {
    throw std::runtime_error(fmt::format("{}: {} files or directories under {} could not be read", name, total.errors, root));
  }
  if (total.files == 0) throw std::runtime_error(name + ": no files under " + root);
  Figure f;
  f.scenario = name;
  f.baseline = baseline;
  f.ops = total.files;
  f.seconds = slowest;
  f.ops_per_sec = static_cast<double>(total.files) / slowest;
  f.mb_per_sec = static_cast<double>(total.bytes) / 1e6 / slowest;
  f.params["processes"] = std::to_string(processes);
  f.params["path"] = root;
  f.extra["wall_s"] = wall;
  f.extra["files_per_process"] = static_cast<double>(total.files) / processes;
  if (!spec.mds_asok.empty()) f.extra["mds_requests"] = static_cast<double>(cephCounter(spec.mds_asok, "mds", "request") - mds0);
  if (!spec.rgw_asok.empty()) f.extra["rgw_requests"] = static_cast<double>(cephCounter(spec.rgw_asok, "rgw", "req") - rgw0);
  return f;
}

}  // namespace

std::vector<Figure> runStormScenario(const StormSpec& spec) {
  std::vector<Figure> out;
  // Cold passes first, in the order given, then the warm ones: a path's warm pass is never
  // helped by another path's cold pass having warmed a shared store.
  for (const char* pass : {"cold", "warm"}) {
    for (const auto& [label, root] : spec.paths) {
      std::string base = spec.baseline.empty() || spec.baseline == label
                             ? ""
                             : fmt::format("storm.{}.{}", spec.baseline, pass);
      out.push_back(stormPass(fmt::format("storm.{}.{}", label, pass), base, root, spec.processes, spec));
    }
  }
  return out;
}

}  // namespace shoal::bench
