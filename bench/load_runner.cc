#include "load_runner.h"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace shoal::bench {

Figure runLoad(const std::string& scenario, const LoadSpec& spec, const std::function<bool(int, uint64_t)>& op) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::vector<uint32_t>> lat(spec.threads);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> failures{0};
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(spec.seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < spec.threads; ++t) {
    threads.emplace_back([&, t] {
      lat[t].reserve(1 << 16);
      while (!stop.load(std::memory_order_relaxed)) {
        uint64_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (spec.max_ops && i >= spec.max_ops) break;
        auto t0 = Clock::now();
        if (!op(t, i)) failures.fetch_add(1);
        auto t1 = Clock::now();
        lat[t].push_back(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count()));
        if (!spec.max_ops && t1 >= end) stop = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (failures > 0) throw std::runtime_error(scenario + ": " + std::to_string(failures.load()) + " operations failed");
  Figure f;
  f.scenario = scenario;
  std::vector<uint32_t> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  f.ops = all.size();
  f.seconds = secs;
  f.ops_per_sec = static_cast<double>(f.ops) / secs;
  f.params["threads"] = std::to_string(spec.threads);
  summarizeLatencies(all, &f);
  return f;
}

}  // namespace shoal::bench
