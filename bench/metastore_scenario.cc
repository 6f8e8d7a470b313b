#include <fmt/format.h>
#include <fstream>
#include <malloc.h>
#include <unistd.h>

#include "master/metastore/heap/heap_inode_store.h"
#include "scenarios.h"

namespace shoal::bench {
uint64_t rssBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

std::vector<Figure> runMetastoreScenario(uint64_t files) {
  malloc_trim(0);
  uint64_t before = rssBytes();
  auto start = std::chrono::steady_clock::now();
  master::HeapInodeStore store(1);
  master::Inode dir;
  dir.flags = master::kInodeDir | master::kInodeComplete | master::kInodePersisted;
  dir.mode = 0755;
  dir.owner = "etl";
  dir.group = "ml";
  master::Inode file = dir;
  file.flags = master::kInodeComplete | master::kInodePersisted;
  file.mode = 0644;
  master::InodeId current = 0;
  uint64_t dirs = 0;
  for (uint64_t i = 0; i < files; ++i) {
    if (i % 1000 == 0) {
      current = *store.addChild(store.rootId(), fmt::format("shard-{:05}", dirs++), dir);
    }
    file.size = i * 4096;
    file.mtime_ms = 1'700'000'000'000 + static_cast<int64_t>(i);
    // Names like a training set's: "sample-0001234.tfrecord" (23 bytes).
    auto r = store.addChild(current, fmt::format("sample-{:07}.tfrecord", i), file);
    if (!r) throw std::runtime_error(r.error().toString());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t after = rssBytes();
  Figure f;
  f.scenario = "metastore.heap.inodes";
  f.ops = files + dirs;
  f.seconds = secs;
  f.ops_per_sec = static_cast<double>(f.ops) / secs;
  f.params["files"] = std::to_string(files);
  f.params["name_bytes"] = "23";
  f.extra["bytes_per_inode"] = static_cast<double>(after - before) / static_cast<double>(f.ops);
  f.extra["rss_delta_mib"] = static_cast<double>(after - before) / (1 << 20);
  return {f};
}

}  // namespace shoal::bench
