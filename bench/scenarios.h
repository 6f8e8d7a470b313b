// The benchmark scenarios. Each returns figures; baselines name themselves so the report can
// put every figure beside the ceiling it should be judged against.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "load_runner.h"
#include "report.h"

namespace shoal::bench {

// A bare gRPC echo (same server options as the master), in this process: the RPC ceiling.
std::vector<Figure> runEchoScenario(const LoadSpec& spec);

struct MasterSpec {
  LoadSpec load;
  std::string address;  // "" starts an in-process master on a free port with a temporary journal
  int dirs = 100;
  int files_per_dir = 100;
  std::vector<std::string> ops = {"getstatus", "liststatus", "mkdir", "create", "rename", "delete"};
};
std::vector<Figure> runMasterScenario(const MasterSpec& spec);

// GET /metrics of a master holding `files` inodes with `workers` simulated workers, beside
// GET /api/v1/info; the master's memory before and after the scrapes.
std::vector<Figure> runScrapeScenario(uint64_t files, int workers);

// The `shoal` binary beside shoal-bench (the scenarios that start daemons as processes).
std::string shoalBinary();

struct ConfSpec {
  LoadSpec load;
  int workers = 10;            // processes following the configuration, timed per change
  int clients = 50;
  int rounds = 20;             // changes timed
  int sim_workers = 1000;      // heartbeating at 1 s while the master's CPU is measured
  int sim_clients = 10000;     // watching the configuration (20 s long polls)
  int cpu_seconds = 20;
};
// Dynamic configuration and the audit log: master GetStatus/s with the audit log on beside off;
// the time from `conf set` to applied in every follower (p50/p99) beside the set itself; the
// master's CPU with simulated workers heartbeating and clients watching.
std::vector<Figure> runConfScenario(const ConfSpec& spec);

// This process's resident memory.
uint64_t rssBytes();

// RSS growth of the heap metastore per inode, for `files` files in directories of 1,000.
std::vector<Figure> runMetastoreScenario(uint64_t files);

// A cached file read through one worker: streamed vs raw TCP, short-circuit vs pread, random 4 KiB.
std::vector<Figure> runWorkerScenario(const LoadSpec& spec, uint64_t file_bytes);

// The C++ client API over one worker: sequential and 4 KiB random reads of a `file_bytes` file,
// `small_files` 4 KiB file reads, 1 MiB writes per write type; each beside the local file system.
std::vector<Figure> runClientScenario(const LoadSpec& spec, uint64_t file_bytes, uint64_t small_files);

// `files` 4 KiB files and a `big_bytes` file through Shoal's FUSE mount, beside a bare in-memory
// FUSE file system and tmpfs (needs root and /dev/fuse).
std::vector<Figure> runFuseScenario(const LoadSpec& spec, uint64_t files, uint64_t big_bytes);

struct StormSpec {
  std::vector<std::pair<std::string, std::string>> paths;  // label, directory (a mount's tree)
  std::string baseline;                                    // the label the others are judged against
  int processes = 16;
  std::string mds_asok;  // Ceph admin sockets whose request counters are reported per pass
  std::string rgw_asok;
};
// P processes read the same tree at once through each path, cold then warm.
std::vector<Figure> runStormScenario(const StormSpec& spec);

struct UfsSpec {
  std::string uri;                               // file:///dir, cephfs:///dir, s3://bucket/prefix
  std::map<std::string, std::string> options;    // mount options (ceph.conf=..., s3.endpoint=...)
  uint64_t files = 1000;
  uint64_t file_bytes = 4096;
  uint64_t big_bytes = 64ull << 20;
};
// The under-store's own rates through its backend: the ceiling for reads Shoal sends to it.
std::vector<Figure> runUfsScenario(const LoadSpec& load, const UfsSpec& spec);

struct HaSpec {
  LoadSpec load;
  int rounds = 10;  // failovers timed
};
// Three master processes in a Raft group: mkdir throughput beside one local-journal master, and
// the time from kill -9 of the leader to the first acknowledged mutation, per round.
std::vector<Figure> runHaScenario(const HaSpec& spec);

}  // namespace shoal::bench
