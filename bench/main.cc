// shoal-bench: runs scenarios, prints a table, and writes JSON (--json) and markdown (--markdown).
#include "common/memory_tuning.h"
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "common/logging.h"
#include "scenarios.h"

using namespace shoal::bench;

int main(int argc, char** argv) {
  shoal::tuneAllocatorForStreaming();
  CLI::App app{"shoal-bench: Shoal's stress benchmarks, each beside its baseline in the same run"};
  app.require_subcommand(1);
  std::string json_path, md_path;
  app.add_option("--json", json_path, "Write the figures and the environment as JSON to this file");
  app.add_option("--markdown", md_path, "Write a markdown table of figures and ratios to this file");
  LoadSpec load;
  app.add_option("--threads", load.threads, "Client threads")->check(CLI::Range(1, 1024));
  app.add_option("--duration", load.seconds, "Seconds per timed scenario")->check(CLI::Range(0.1, 3600.0));

  auto* echo = app.add_subcommand("rpc-echo", "Bare gRPC echo on the master's server settings (the RPC ceiling)");
  auto* master = app.add_subcommand("master", "Master metadata operations, beside rpc-echo");
  MasterSpec mspec;
  master->add_option("--master", mspec.address, "host:port of a running master (default: start one in-process)");
  master->add_option("--dirs", mspec.dirs, "Directories in the bench tree")->check(CLI::Range(1, 100000));
  master->add_option("--files-per-dir", mspec.files_per_dir, "Files per directory")->check(CLI::Range(1, 100000));
  master->add_option("--ops", mspec.ops, "Operations: getstatus liststatus mkdir create rename delete");
  auto* cf = app.add_subcommand("conf", "Audit log on vs off (master GetStatus/s), conf set to applied in every "
                                        "follower, master CPU with simulated workers and watching clients");
  ConfSpec cspec;
  cf->add_option("--workers", cspec.workers, "Following workers timed")->check(CLI::Range(0, 1000));
  cf->add_option("--clients", cspec.clients, "Following clients timed")->check(CLI::Range(0, 10000));
  cf->add_option("--rounds", cspec.rounds, "Changes timed")->check(CLI::Range(1, 10000));
  cf->add_option("--sim-workers", cspec.sim_workers, "Simulated heartbeating workers")->check(CLI::Range(1, 100000));
  cf->add_option("--sim-clients", cspec.sim_clients, "Simulated watching clients")->check(CLI::Range(0, 100000));
  cf->add_option("--cpu-seconds", cspec.cpu_seconds, "Seconds the master's CPU is measured")->check(CLI::Range(1, 3600));
  auto* scrape = app.add_subcommand("scrape", "GET /metrics of a master with many inodes and simulated workers");
  uint64_t scrape_files = 1'000'000;
  int scrape_workers = 100;
  scrape->add_option("--files", scrape_files, "Inodes the master holds")->check(CLI::Range(1ULL, 100'000'000ULL));
  scrape->add_option("--workers", scrape_workers, "Simulated workers")->check(CLI::Range(0, 100000));
  auto* meta = app.add_subcommand("metastore", "Memory per inode of the heap metastore");
  uint64_t files = 1'000'000;
  meta->add_option("--files", files, "Files to create")->check(CLI::Range(1ULL, 1'000'000'000ULL));
  auto* wk = app.add_subcommand("worker", "Cached-file reads through a worker, beside raw TCP and pread");
  uint64_t file_bytes = 1ULL << 30;
  wk->add_option("--file-size", file_bytes, "Bytes of the file read")->check(CLI::Range(1ULL << 20, 64ULL << 30));
  auto* cl = app.add_subcommand("client", "The C++ client API: sequential, 4 KiB random and small-file reads, and "
                                          "writes per write type, beside the local file system");
  uint64_t client_files = 2000;
  cl->add_option("--file-size", file_bytes, "Bytes of the file read")->check(CLI::Range(1ULL << 20, 64ULL << 30));
  cl->add_option("--files", client_files, "4 KiB files read")->check(CLI::Range(1ULL, 10'000'000ULL));
  auto* fz = app.add_subcommand("fuse", "Small files and a big file through the FUSE mount, beside a bare FUSE "
                                        "file system and tmpfs (root)");
  uint64_t fuse_files = 10000;
  fz->add_option("--files", fuse_files, "4 KiB files")->check(CLI::Range(1ULL, 10'000'000ULL));
  fz->add_option("--file-size", file_bytes, "Bytes of the big file");
  auto* storm = app.add_subcommand("storm", "P processes at once read the same tree through each mount path, "
                                            "cold then warm (the job-start storm)");
  StormSpec sspec;
  std::vector<std::string> storm_paths;
  storm->add_option("--path", storm_paths, "label=DIR of a mounted tree (repeatable)")->required();
  storm->add_option("--baseline", sspec.baseline, "The label the other paths are judged against");
  storm->add_option("--processes", sspec.processes, "Reader processes")->check(CLI::Range(1, 4096));
  storm->add_option("--mds-asok", sspec.mds_asok, "Admin socket of a Ceph MDS: its requests per pass");
  storm->add_option("--rgw-asok", sspec.rgw_asok, "Admin socket of a radosgw: its requests per pass");
  auto* uf = app.add_subcommand("ufs", "An under-store's own rates through its backend: small-file create, stat, "
                                      "read, list, and a big file's write and read");
  UfsSpec uspec;
  std::vector<std::string> ufs_options;
  uf->add_option("--uri", uspec.uri, "Under-store URI (a directory of its own is used and removed)")->required();
  uf->add_option("--option", ufs_options, "Mount option key=value (repeatable)");
  uf->add_option("--files", uspec.files, "Small files")->check(CLI::Range(1ULL, 10'000'000ULL));
  uf->add_option("--file-size", uspec.file_bytes, "Bytes per small file")->check(CLI::Range(1ULL, 64ULL << 20));
  uf->add_option("--big-size", uspec.big_bytes, "Bytes of the big file")->check(CLI::Range(1ULL, 64ULL << 30));
  auto* ha = app.add_subcommand("ha", "Three masters in a Raft group: mkdir throughput beside one local-journal "
                                      "master, and failover time from kill -9 of the leader");
  HaSpec hspec;
  ha->add_option("--rounds", hspec.rounds, "Failovers to time")->check(CLI::Range(1, 1000));
  auto* suite = app.add_subcommand("suite", "Everything above, sized for a 2-core box (what `make bench` runs)");
  suite->add_option("--files", files, "Files for the metastore scenario");
  suite->add_option("--file-size", file_bytes, "Bytes of the file the worker and FUSE scenarios read");
  suite->add_option("--fuse-files", fuse_files, "4 KiB files for the FUSE scenario");
  suite->add_option("--ha-rounds", hspec.rounds, "Failovers the ha scenario times")->check(CLI::Range(1, 1000));
  suite->add_option("--conf-sim-workers", cspec.sim_workers, "Simulated workers of the conf scenario")
      ->check(CLI::Range(1, 100000));
  suite->add_option("--conf-sim-clients", cspec.sim_clients, "Simulated watching clients of the conf scenario")
      ->check(CLI::Range(0, 100000));
  suite->add_option("--conf-seconds", cspec.cpu_seconds, "Seconds the conf scenario measures the master's CPU")
      ->check(CLI::Range(1, 3600));
  CLI11_PARSE(app, argc, argv);

  shoal::setLogLevel("warn");

  std::vector<Figure> figures;
  try {
    if (*echo || *master || *suite) {
      auto e = runEchoScenario(load);
      figures.insert(figures.end(), e.begin(), e.end());
    }
    if (*master || *suite) {
      mspec.load = load;
      auto m = runMasterScenario(mspec);
      figures.insert(figures.end(), m.begin(), m.end());
    }
    if (*cf || *suite) {
      cspec.load = load;
      auto c = runConfScenario(cspec);
      figures.insert(figures.end(), c.begin(), c.end());
    }
    if (*scrape || *suite) {
      // The suite's --files sizes the master's namespace here as it does the metastore's.
      auto s = runScrapeScenario(*suite ? files : scrape_files, scrape_workers);
      figures.insert(figures.end(), s.begin(), s.end());
    }
    if (*wk || *suite) {
      auto w = runWorkerScenario(load, file_bytes);
      figures.insert(figures.end(), w.begin(), w.end());
    }
    if (*cl || *suite) {
      // In the suite the worker scenario reads the big file; a quarter GiB is enough here.
      auto c = runClientScenario(load, *suite ? std::min<uint64_t>(file_bytes, 256ULL << 20) : file_bytes, client_files);
      figures.insert(figures.end(), c.begin(), c.end());
    }
    if (*fz || *suite) {
      auto f = runFuseScenario(load, fuse_files, file_bytes);
      figures.insert(figures.end(), f.begin(), f.end());
    }
    if (*uf) {
      for (const auto& kv : ufs_options) {
        size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) throw std::runtime_error("--option '" + kv + "' is not key=value");
        uspec.options[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
      auto u = runUfsScenario(load, uspec);
      figures.insert(figures.end(), u.begin(), u.end());
    }
    if (*storm) {
      for (const auto& p : storm_paths) {
        size_t eq = p.find('=');
        if (eq == std::string::npos || eq == 0) throw std::runtime_error("--path '" + p + "' is not label=DIR");
        sspec.paths.emplace_back(p.substr(0, eq), p.substr(eq + 1));
      }
      auto s = runStormScenario(sspec);
      figures.insert(figures.end(), s.begin(), s.end());
    }
    if (*ha || *suite) {
      hspec.load = load;
      auto h = runHaScenario(hspec);
      figures.insert(figures.end(), h.begin(), h.end());
    }
    if (*meta || *suite) {
      auto m = runMetastoreScenario(files);
      figures.insert(figures.end(), m.begin(), m.end());
    }
  } catch (const std::exception& ex) {
    std::cerr << "shoal-bench: " << ex.what() << "\n";
    return 1;
  }
  printTable(figures);
  if (!json_path.empty()) {
    nlohmann::json j = {{"environment", environmentJson()}, {"figures", nlohmann::json::array()}};
    for (const auto& f : figures) j["figures"].push_back(toJson(f));
    std::ofstream(json_path) << j.dump(2) << "\n";
  }
  if (!md_path.empty()) std::ofstream(md_path) << markdownTable(figures);
  return 0;
}
