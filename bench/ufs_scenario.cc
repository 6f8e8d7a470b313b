// An under-store's own ceiling, through Shoal's backend for it (file://, cephfs://, s3://): small
// file creates, stats and reads, one listing of them, and a big file written and read back. Runs
// in a directory of its own under the URI, removed at the end.
#include <chrono>
#include <fmt/format.h>
#include <stdexcept>
#include <unistd.h>

#include "scenarios.h"
#include "ufs/ufs_registry.h"

namespace shoal::bench {
namespace {

using Clock = std::chrono::steady_clock;

void check(const Status& st, const std::string& what) {
  if (!st) throw std::runtime_error(what + ": " + st.toString());
}

}  // namespace

std::vector<Figure> runUfsScenario(const LoadSpec& load, const UfsSpec& spec) {
  ufs::UfsRegistry registry;
  ufs::registerBuiltinUfs(registry);
  auto store = registry.create(spec.uri, spec.options);
  if (!store) throw std::runtime_error(store.error().toString());
  ufs::Ufs& u = **store;
  const std::string dir = fmt::format("/shoal-bench-{}", ::getpid());
  check(u.mkdirs(dir, 0755), "mkdirs " + dir);
  auto file = [&](uint64_t i) { return fmt::format("{}/f{}", dir, i); };
  const std::string small(spec.file_bytes, 'x');
  LoadSpec counted = load;
  counted.max_ops = spec.files;
  std::vector<Figure> out;
  auto add = [&](Figure f) {
    f.params["uri"] = spec.uri;
    f.params["files"] = std::to_string(spec.files);
    out.push_back(std::move(f));
  };
  add(runLoad("ufs.create", counted, [&](int, uint64_t i) {
    auto o = u.create(file(i), ufs::CreateOptions{});
    return o && (*o)->write({small.data(), small.size()}).isOk() && (*o)->close().isOk();
  }));
  add(runLoad("ufs.stat", counted, [&](int, uint64_t i) { return u.getStatus(file(i)).has_value(); }));
  add(runLoad("ufs.read", counted, [&](int, uint64_t i) {
    std::string buf(spec.file_bytes, '\0');
    auto n = u.read(file(i), 0, {buf.data(), buf.size()});
    return n && *n == spec.file_bytes;
  }));
  auto t0 = Clock::now();
  auto listed = u.list(dir);
  double list_secs = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!listed || listed->size() != spec.files) throw std::runtime_error("ufs.list: did not list every file");
  Figure lf;
  lf.scenario = "ufs.list.entries";
  lf.ops = listed->size();
  lf.seconds = list_secs;
  lf.ops_per_sec = static_cast<double>(lf.ops) / list_secs;
  add(std::move(lf));

  // One big file, written and read back in 4 MiB calls.
  const std::string chunk(4 << 20, 'b');
  t0 = Clock::now();
  auto o = u.create(dir + "/big", ufs::CreateOptions{});
  if (!o) throw std::runtime_error(o.error().toString());
  for (uint64_t done = 0; done < spec.big_bytes; done += chunk.size()) {
    check((*o)->write({chunk.data(), std::min<uint64_t>(chunk.size(), spec.big_bytes - done)}), "write big");
  }
  check((*o)->close(), "close big");
  add(throughput("ufs.write.big", "", spec.big_bytes, std::chrono::duration<double>(Clock::now() - t0).count()));
  std::string buf(chunk.size(), '\0');
  t0 = Clock::now();
  for (uint64_t off = 0; off < spec.big_bytes; off += buf.size()) {
    auto n = u.read(dir + "/big", off, {buf.data(), buf.size()});
    if (!n || *n == 0) throw std::runtime_error("read big: " + (n ? std::string("early end") : n.error().toString()));
  }
  add(throughput("ufs.read.big", "", spec.big_bytes, std::chrono::duration<double>(Clock::now() - t0).count()));
  check(u.remove(dir, true), "remove " + dir);
  return out;
}

}  // namespace shoal::bench
