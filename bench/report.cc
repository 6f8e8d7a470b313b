#include "report.h"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sys/utsname.h>
#include <thread>

#include "shoal_version.h"

namespace shoal::bench {

Figure throughput(const std::string& name, const std::string& baseline, uint64_t bytes, double secs) {
  Figure f;
  f.scenario = name;
  f.baseline = baseline;
  f.ops = 1;
  f.seconds = secs;
  f.mb_per_sec = static_cast<double>(bytes) / (1 << 20) / secs;
  f.ops_per_sec = f.mb_per_sec;
  f.params["bytes"] = std::to_string(bytes);
  f.extra["MB_per_sec"] = f.mb_per_sec;
  return f;
}

void summarizeLatencies(std::vector<uint32_t>& s, Figure* f) {
  if (s.empty()) return;
  std::sort(s.begin(), s.end());
  auto at = [&](double q) { return static_cast<double>(s[std::min(s.size() - 1, static_cast<size_t>(q * s.size()))]); };
  f->p50_us = at(0.50);
  f->p90_us = at(0.90);
  f->p99_us = at(0.99);
  f->max_us = s.back();
}

nlohmann::json environmentJson() {
  struct utsname u;
  uname(&u);
  return {{"cores", std::thread::hardware_concurrency()},
          {"kernel", std::string(u.sysname) + " " + u.release},
          {"build_type", kShoalBuildType},
          {"revision", kShoalRevision},
          {"version", kShoalVersion}};
}

nlohmann::json toJson(const Figure& f) {
  nlohmann::json j = {{"scenario", f.scenario}, {"baseline", f.baseline}, {"params", f.params},
                      {"ops", f.ops},           {"seconds", f.seconds},   {"ops_per_sec", f.ops_per_sec},
                      {"mb_per_sec", f.mb_per_sec},
                      {"latency_us", {{"p50", f.p50_us}, {"p90", f.p90_us}, {"p99", f.p99_us}, {"max", f.max_us}}}};
  for (const auto& [k, v] : f.extra) j["extra"][k] = v;
  return j;
}

void printTable(const std::vector<Figure>& figures) {
  std::cout << fmt::format("{:<28} {:>12} {:>10} {:>9} {:>9} {:>9} {:>10}\n", "scenario", "ops/s", "MB/s", "p50 us",
                           "p99 us", "max us", "ops");
  for (const auto& f : figures) {
    std::cout << fmt::format("{:<28} {:>12.0f} {:>10.1f} {:>9.0f} {:>9.0f} {:>9.0f} {:>10}\n", f.scenario, f.ops_per_sec,
                             f.mb_per_sec, f.p50_us, f.p99_us, f.max_us, f.ops);
    for (const auto& [k, v] : f.extra) std::cout << fmt::format("    {} = {:.1f}\n", k, v);
  }
}

std::string markdownTable(const std::vector<Figure>& figures) {
  std::string out = "| scenario | params | ops/s | p50 µs | p99 µs | baseline | baseline ops/s | ratio |\n"
                    "|---|---|---:|---:|---:|---|---:|---:|\n";
  for (const auto& f : figures) {
    std::string params;
    for (const auto& [k, v] : f.params) params += (params.empty() ? "" : ", ") + k + "=" + v;
    const Figure* base = nullptr;
    for (const auto& b : figures) {
      if (b.scenario == f.baseline) base = &b;
    }
    out += fmt::format("| {} | {} | {:.0f} | {:.0f} | {:.0f} | {} | {} | {} |\n", f.scenario, params, f.ops_per_sec, f.p50_us,
                       f.p99_us, base ? base->scenario : "-", base ? fmt::format("{:.0f}", base->ops_per_sec) : "-",
                       base && base->ops_per_sec > 0 ? fmt::format("{:.2f}", f.ops_per_sec / base->ops_per_sec) : "-");
    for (const auto& [k, v] : f.extra) out += fmt::format("| {} · {} | {} | {:.1f} | | | | | |\n", f.scenario, k, params, v);
  }
  return out;
}

}  // namespace shoal::bench
