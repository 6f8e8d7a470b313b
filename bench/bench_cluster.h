// An in-process master and worker over a local store directory, started for a scenario and
// stopped with it; throws (scenarios report failures as exceptions) when either cannot start.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "stubs/master_client.h"
#include "common/configuration.h"

namespace shoal::bench {

class BenchCluster {
 public:
  // `store` is mounted at /; the worker's MEM tier is `mem_dir` with `mem_capacity` bytes;
  // `extra` are more key=value settings. Returns once the master lists the worker.
  BenchCluster(const std::string& work_dir, const std::string& store, const std::string& mem_dir,
               uint64_t mem_capacity, const std::vector<std::string>& extra = {});
  ~BenchCluster();

  const Configuration& conf() const;
  stubs::MasterClient& masterClient();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::bench
