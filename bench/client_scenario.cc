// The C++ client API (include/shoal/file_system.h) as a program uses it, against an in-process
// master and worker over a local store directory, each figure beside the same access to the
// store's own files (the local file system, page cache warm): sequential and 4 KiB random reads of
// a cached file, whole small-file reads, and 1 MiB file writes per write type.
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <stdexcept>
#include <unistd.h>

#include "bench_cluster.h"
#include "random_file.h"
#include "scenarios.h"
#include "shoal/file_system.h"

namespace shoal::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kChunk = 4 << 20;
constexpr size_t kSmall = 4096;
constexpr size_t kWriteBytes = 1 << 20;
constexpr uint64_t kWritesPerType = 32;

Figure perMb(Figure f, size_t bytes_per_op) {
  f.mb_per_sec = f.ops_per_sec * static_cast<double>(bytes_per_op) / (1 << 20);
  return f;
}

}  // namespace

std::vector<Figure> runClientScenario(const LoadSpec& spec, uint64_t file_bytes, uint64_t small_files) {
  char tmpl[] = "/tmp/shoal-bench-client-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  char shm_tmpl[] = "/dev/shm/shoal-bench-client-mem-XXXXXX";
  std::string mem = mkdtemp(shm_tmpl);
  std::string store = dir + "/store";
  std::filesystem::create_directories(store + "/small");
  std::filesystem::create_directories(store + "/local-writes");
  writeRandomFile(store + "/big.bin", file_bytes, 1);
  for (uint64_t i = 0; i < small_files; ++i) writeRandomFile(fmt::format("{}/small/f{}", store, i), kSmall, i + 2);
  std::vector<Figure> out;
  {
    uint64_t capacity = file_bytes * 2 + small_files * kSmall * 2 + 3 * kWritesPerType * kWriteBytes + (64 << 20);
    BenchCluster cluster(dir, store, mem, capacity);
    auto fs = FileSystem::connect(
        {"shoal.master.rpc.port=" + std::to_string(cluster.conf().getInt("shoal.master.rpc.port")), "shoal.log.level=warn"});
    if (!fs) throw std::runtime_error(fs.error().toString());
    auto big = (*fs)->open("/big.bin");
    if (!big) throw std::runtime_error(big.error().toString());
    std::vector<char> buf(kChunk);
    auto readAll = [&](const std::string& name, const std::string& baseline) {
      auto in = (*fs)->open("/big.bin");
      if (!in) throw std::runtime_error(in.error().toString());
      auto t0 = Clock::now();
      uint64_t got = 0;
      for (;;) {
        auto n = (*in)->read({buf.data(), buf.size()});
        if (!n) throw std::runtime_error(name + ": " + n.error().toString());
        if (*n == 0) break;
        got += *n;
      }
      if (got != file_bytes) throw std::runtime_error(name + ": short read");
      return throughput(name, baseline, got, std::chrono::duration<double>(Clock::now() - t0).count());
    };
    out.push_back(readAll("client.cold-read", "local.seq-read"));  // fills the cache
    {
      int fd = ::open((store + "/big.bin").c_str(), O_RDONLY);
      auto t0 = Clock::now();
      uint64_t got = 0;
      for (ssize_t n; (n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(got))) > 0;) got += static_cast<uint64_t>(n);
      ::close(fd);
      out.push_back(throughput("local.seq-read", "", got, std::chrono::duration<double>(Clock::now() - t0).count()));
    }
    out.push_back(readAll("client.seq-read", "local.seq-read"));

    const uint64_t pages = file_bytes / kSmall;
    auto offset = [&](int t, uint64_t i) { return ((i * 2654435761ULL + static_cast<uint64_t>(t) * 40503ULL) % pages) * kSmall; };
    int fd = ::open((store + "/big.bin").c_str(), O_RDONLY);
    out.push_back(perMb(runLoad("local.random-4k", spec, [&](int t, uint64_t i) {
      thread_local std::vector<char> b(kSmall);
      return ::pread(fd, b.data(), kSmall, static_cast<off_t>(offset(t, i))) == static_cast<ssize_t>(kSmall);
    }), kSmall));
    ::close(fd);
    std::vector<std::unique_ptr<InputFile>> per_thread(static_cast<size_t>(spec.threads));
    for (auto& f : per_thread) f = std::move(*(*fs)->open("/big.bin"));
    Figure rnd = perMb(runLoad("client.random-4k", spec, [&](int t, uint64_t i) {
      thread_local std::vector<char> b(kSmall);
      auto n = per_thread[static_cast<size_t>(t)]->pread(offset(t, i), {b.data(), kSmall});
      return n && *n == kSmall;
    }), kSmall);
    rnd.baseline = "local.random-4k";
    out.push_back(rnd);

    LoadSpec every = spec;
    every.max_ops = small_files;
    auto smallRead = [&](uint64_t i) {
      auto in = (*fs)->open(fmt::format("/small/f{}", i));
      if (!in) return false;
      std::vector<char> b(kSmall);
      auto n = (*in)->read({b.data(), kSmall});
      return n && *n == kSmall;
    };
    Figure cold = runLoad("client.small-file-read.cold", every, [&](int, uint64_t i) { return smallRead(i); });
    out.push_back(perMb(runLoad("local.small-file-read", every, [&](int, uint64_t i) {
      std::vector<char> b(kSmall);
      int f = ::open(fmt::format("{}/small/f{}", store, i).c_str(), O_RDONLY);
      bool ok = f >= 0 && ::read(f, b.data(), kSmall) == static_cast<ssize_t>(kSmall);
      if (f >= 0) ::close(f);
      return ok;
    }), kSmall));
    cold.baseline = "local.small-file-read";
    out.push_back(perMb(cold, kSmall));
    Figure warm = runLoad("client.small-file-read", every, [&](int, uint64_t i) { return smallRead(i); });
    warm.baseline = "local.small-file-read";
    out.push_back(perMb(warm, kSmall));

    std::vector<char> data(kWriteBytes, 'w');
    LoadSpec writes = spec;
    writes.max_ops = kWritesPerType;
    out.push_back(perMb(runLoad("local.write", writes, [&](int, uint64_t i) {
      std::ofstream o(fmt::format("{}/local-writes/w{}", store, i), std::ios::binary);
      o.write(data.data(), static_cast<std::streamsize>(data.size()));
      return o.good();
    }), kWriteBytes));
    for (auto [type, label] : {std::pair{WriteType::kMustCache, "must-cache"}, std::pair{WriteType::kCacheThrough, "cache-through"},
                               std::pair{WriteType::kThrough, "through"}}) {
      (void)(*fs)->mkdir(std::string("/w-") + label);
      Figure w = perMb(runLoad(std::string("client.write.") + label, writes, [&](int, uint64_t i) {
        auto o = (*fs)->create(fmt::format("/w-{}/w{}", label, i), type);
        return o && (*o)->write({data.data(), data.size()}).isOk() && (*o)->close().has_value();
      }), kWriteBytes);
      w.baseline = "local.write";
      w.params["bytes_per_file"] = std::to_string(kWriteBytes);
      out.push_back(w);
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(mem);
  return out;
}

}  // namespace shoal::bench
