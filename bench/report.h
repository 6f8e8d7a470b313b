// A benchmark result: what ran, with which parameters, how fast, and its latency distribution;
// printed as a table row and collected into the JSON report with the environment it ran in.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace shoal::bench {

struct Figure {
  std::string scenario;   // "master.getstatus"
  std::string baseline;   // scenario it is judged against ("" for a baseline itself)
  std::map<std::string, std::string> params;
  double ops_per_sec = 0;
  double mb_per_sec = 0;
  uint64_t ops = 0;
  double seconds = 0;
  // Latency in microseconds.
  double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
  // Scenario-specific values (bytes per inode, ...).
  std::map<std::string, double> extra;
};

// A bulk-transfer figure: `bytes` moved in `secs`. Its ops/s column holds MB/s, so the ratio to
// its baseline compares throughput.
Figure throughput(const std::string& name, const std::string& baseline, uint64_t bytes, double secs);
// Fills the latency fields from raw samples (microseconds).
void summarizeLatencies(std::vector<uint32_t>& samples, Figure* f);
nlohmann::json environmentJson();
nlohmann::json toJson(const Figure& f);
void printTable(const std::vector<Figure>& figures);
// Markdown table with each figure's ratio to its baseline (matched by scenario name).
std::string markdownTable(const std::vector<Figure>& figures);

}  // namespace shoal::bench
