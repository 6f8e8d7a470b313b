// Data-path throughput of a cached file, each beside its ceiling measured in the same run:
// streamed remote reads vs raw TCP bulk transfer on loopback, short-circuit reads vs pread of the
// same page files, and 4 KiB random reads.
#include <arpa/inet.h>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <random>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "client/context.h"
#include "client/file_reader.h"
#include "bench_cluster.h"
#include "random_file.h"
#include "scenarios.h"

namespace shoal::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kChunk = 4 << 20;

// Raw TCP on loopback: one connection, the sender writes `bytes` from a reused buffer.
Figure tcpBulk(uint64_t bytes) {
  int ls = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(ls, reinterpret_cast<sockaddr*>(&addr), &len);
  ::listen(ls, 1);
  std::thread sender([&] {
    int s = ::accept(ls, nullptr, nullptr);
    std::vector<char> buf(kChunk, 'x');
    for (uint64_t sent = 0; sent < bytes;) {
      ssize_t n = ::send(s, buf.data(), std::min<uint64_t>(buf.size(), bytes - sent), MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<uint64_t>(n);
    }
    ::close(s);
  });
  int c = ::socket(AF_INET, SOCK_STREAM, 0);
  ::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  std::vector<char> buf(kChunk);
  auto t0 = Clock::now();
  uint64_t got = 0;
  for (;;) {
    ssize_t n = ::recv(c, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    got += static_cast<uint64_t>(n);
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  sender.join();
  ::close(c);
  ::close(ls);
  if (got != bytes) throw std::runtime_error("tcp baseline moved " + std::to_string(got) + " bytes");
  return throughput("tcp.bulk", "", bytes, secs);
}

// pread of every page file under `dir`, in 4 MiB reads: the short-circuit ceiling.
Figure preadPageFiles(const std::string& dir, uint64_t expect_bytes) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  std::vector<char> buf(kChunk);
  uint64_t total = 0;
  auto t0 = Clock::now();
  for (const auto& p : files) {
    int fd = ::open(p.c_str(), O_RDONLY);
    for (off_t off = 0;;) {
      ssize_t n = ::pread(fd, buf.data(), buf.size(), off);
      if (n <= 0) break;
      off += n;
      total += static_cast<uint64_t>(n);
    }
    ::close(fd);
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  if (total < expect_bytes) throw std::runtime_error("page files hold fewer bytes than the file");
  return throughput("pread.pagefiles", "", total, secs);
}

Figure sequentialRead(const std::string& name, const std::string& baseline, client::FileReader& reader,
                      const proto::FileInfo& f) {
  std::vector<char> buf(kChunk);
  auto t0 = Clock::now();
  for (uint64_t pos = 0; pos < f.size();) {
    auto n = reader.pread(f, pos, {buf.data(), buf.size()});
    if (!n || *n == 0) throw std::runtime_error(name + ": " + (n ? "short read" : n.error().toString()));
    pos += *n;
  }
  return throughput(name, baseline, f.size(), std::chrono::duration<double>(Clock::now() - t0).count());
}

}  // namespace

std::vector<Figure> runWorkerScenario(const LoadSpec& spec, uint64_t file_bytes) {
  char tmpl[] = "/tmp/shoal-bench-worker-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  char shm_tmpl[] = "/dev/shm/shoal-bench-mem-XXXXXX";
  std::string mem = mkdtemp(shm_tmpl);
  std::filesystem::create_directories(dir + "/store");
  writeRandomFile(dir + "/store/big.bin", file_bytes, 1);
  std::vector<Figure> out;
  {
    BenchCluster cluster(dir, dir + "/store", mem, file_bytes * 2);
    const Configuration* conf = &cluster.conf();
    stubs::MasterClient& mc = cluster.masterClient();
    auto streamed_conf = *conf;
    (void)streamed_conf.set("shoal.user.short.circuit.enabled", "false");
  client::Context streamed_ctx(streamed_conf);
  client::FileReader& streamed = streamed_ctx.reader();
  client::Context local_ctx(*conf);
  client::FileReader& local = local_ctx.reader();
  auto f = mc.getStatus("/big.bin");
  if (!f) throw std::runtime_error(f.error().toString());
  out.push_back(sequentialRead("worker.cold-read", "tcp.bulk", streamed, *f));  // fills the cache
  out.push_back(tcpBulk(file_bytes));
  out.push_back(sequentialRead("worker.remote-read", "tcp.bulk", streamed, *f));
  out.push_back(preadPageFiles(mem, file_bytes));
  out.push_back(sequentialRead("worker.short-circuit-read", "pread.pagefiles", local, *f));
  if (local.counters().short_circuit_reads.load() == 0) throw std::runtime_error("short-circuit was not taken");
  for (bool sc : {true, false}) {
    client::FileReader& r = sc ? local : streamed;
    Figure rnd = runLoad(sc ? "worker.random-4k.short-circuit" : "worker.random-4k.remote", spec, [&](int t, uint64_t i) {
      thread_local std::vector<char> buf(4096);
      uint64_t off = ((i * 2654435761ULL + static_cast<uint64_t>(t) * 40503ULL) % (f->size() / 4096)) * 4096;
      auto n = r.pread(*f, off, {buf.data(), buf.size()});
      return n && *n == 4096;
    });
    rnd.mb_per_sec = rnd.ops_per_sec * 4096 / (1 << 20);
    out.push_back(rnd);
  }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(mem);
  return out;
}

}  // namespace shoal::bench
