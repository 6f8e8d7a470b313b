// Small files and a big file through Shoal's FUSE mount, each beside the same through a bare
// in-memory FUSE file system (the FUSE ceiling here, bare_fuse.h) and, for reference, tmpfs:
// stat and 4 KiB reads of every file on a first pass and again with the kernel's caches warm, and
// a sequential read of a big file the workers hold.
#include <atomic>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "bare_fuse.h"
#include "client/file_reader.h"
#include "bench_cluster.h"
#include "fuse/fuse_mount.h"
#include "scenarios.h"

namespace shoal::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kSmall = 4096;
constexpr double kTimeout = 7200;

// Runs op(0..n-1) once each over `threads` threads; the rate of the whole pass.
Figure pass(const std::string& name, const std::string& baseline, int threads, uint64_t n,
            const std::function<bool(uint64_t)>& op) {
  std::atomic<uint64_t> next{0}, failed{0};
  auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (uint64_t i = next++; i < n; i = next++) {
        if (!op(i)) ++failed;
      }
    });
  }
  for (auto& t : pool) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  if (failed > 0) throw std::runtime_error(fmt::format("{}: {} of {} operations failed", name, failed.load(), n));
  Figure f;
  f.scenario = name;
  f.baseline = baseline;
  f.ops = n;
  f.seconds = secs;
  f.ops_per_sec = static_cast<double>(n) / secs;
  f.params["files"] = std::to_string(n);
  f.params["threads"] = std::to_string(threads);
  return f;
}

bool statOk(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

bool read4k(const std::string& p) {
  thread_local char buf[kSmall];
  int fd = ::open(p.c_str(), O_RDONLY);
  if (fd < 0) return false;
  bool ok = ::read(fd, buf, sizeof(buf)) == static_cast<ssize_t>(kSmall);
  ::close(fd);
  return ok;
}

Figure sequential(const std::string& name, const std::string& baseline, const std::string& path, uint64_t bytes) {
  std::vector<char> buf(1 << 20);
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error(name + ": cannot open " + path);
  auto t0 = Clock::now();
  uint64_t got = 0;
  for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0;) got += static_cast<uint64_t>(n);
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  ::close(fd);
  if (got != bytes) throw std::runtime_error(fmt::format("{}: read {} of {} bytes", name, got, bytes));
  return throughput(name, baseline, bytes, secs);
}

// The four small-file passes over `dir` (stat then read, first and cached).
void smallFiles(const std::string& prefix, const std::string& baseline_prefix, const std::string& dir, uint64_t files,
                int threads, std::vector<Figure>* out) {
  auto path = [&](uint64_t i) { return fmt::format("{}/f{}.bin", dir, i); };
  for (const char* round : {"first", "cached"}) {
    std::string base = baseline_prefix.empty() ? "" : baseline_prefix + ".stat." + round;
    out->push_back(pass(prefix + ".stat." + round, base, threads, files, [&](uint64_t i) { return statOk(path(i)); }));
  }
  for (const char* round : {"first", "cached"}) {
    std::string base = baseline_prefix.empty() ? "" : baseline_prefix + ".read4k." + round;
    out->push_back(pass(prefix + ".read4k." + round, base, threads, files, [&](uint64_t i) { return read4k(path(i)); }));
  }
}

bool waitMounted(const std::string& mp) {
  for (auto deadline = Clock::now() + std::chrono::seconds(60); Clock::now() < deadline;) {
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
      if (line.find(" " + mp + " ") != std::string::npos && statOk(mp)) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// Shoal's FUSE mount served from a thread of this process, unmounted (and joined) on the way out.
class ShoalMount {
 public:
  ShoalMount(const Configuration& conf, const std::string& mp)
      : mp_(mp), thread_([&conf, mp] { (void)fuse::runMount(conf, {mp, "/", {}, true}); }) {
    if (!waitMounted(mp_)) {
      (void)fuse::unmount(mp_);
      thread_.join();
      throw std::runtime_error("the Shoal FUSE mount did not come up");
    }
  }
  ~ShoalMount() {
    (void)fuse::unmount(mp_);
    thread_.join();
  }

 private:
  std::string mp_;
  std::thread thread_;
};

}  // namespace

std::vector<Figure> runFuseScenario(const LoadSpec& spec, uint64_t files, uint64_t big_bytes) {
  char tmpl[] = "/tmp/shoal-bench-fuse-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  char shm_tmpl[] = "/dev/shm/shoal-bench-fuse-XXXXXX";
  std::string shm = mkdtemp(shm_tmpl);
  std::string store = dir + "/store", tmpfs_tree = shm + "/tree", mem = shm + "/mem";
  for (const auto& d : {store, tmpfs_tree, mem, dir + "/shoal", dir + "/bare"}) std::filesystem::create_directories(d);
  std::string small(kSmall, 's');
  for (uint64_t i = 0; i < files; ++i) {
    std::ofstream(fmt::format("{}/f{}.bin", store, i), std::ios::binary) << small;
    std::ofstream(fmt::format("{}/f{}.bin", tmpfs_tree, i), std::ios::binary) << small;
  }
  {
    std::ofstream big(store + "/big.bin", std::ios::binary);
    std::vector<char> block(1 << 20, 'B');
    for (uint64_t w = 0; w < big_bytes; w += block.size()) big.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
  std::vector<Figure> out;
  {
    BenchCluster cluster(dir, store, mem, big_bytes * 2,
                         {"shoal.fuse.entry.timeout=7200s", "shoal.fuse.attr.timeout=7200s"});
    const Configuration& conf = cluster.conf();
    client::MasterClient& mc = cluster.masterClient();
    {
      // The big file is read "cached": the worker holds it before the mount reads it.
      ufs::UfsRegistry registry;
      ufs::registerBuiltinUfs(registry);
      client::FileReader reader(conf, mc, registry);
      auto f = mc.getStatus("/big.bin");
      if (!f) throw std::runtime_error(f.error().toString());
      if (Status st = reader.load(*f, 0, f->size()); !st) throw std::runtime_error(st.toString());
    }
    std::string shoal_mp = dir + "/shoal", bare_mp = dir + "/bare";
    ShoalMount shoal(conf, shoal_mp);
    BareFuse bare(bare_mp, files, kSmall, big_bytes, kTimeout);
    if (!waitMounted(bare_mp)) throw std::runtime_error("the bare FUSE mount did not come up");
    smallFiles("tmpfs", "", tmpfs_tree, files, spec.threads, &out);
    smallFiles("barefuse", "", bare_mp, files, spec.threads, &out);
    smallFiles("fuse", "barefuse", shoal_mp, files, spec.threads, &out);
    out.push_back(sequential("barefuse.dd", "", bare_mp + "/big.bin", big_bytes));
    out.push_back(sequential("fuse.dd", "barefuse.dd", shoal_mp + "/big.bin", big_bytes));
  }
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(shm);
  return out;
}

}  // namespace shoal::bench
