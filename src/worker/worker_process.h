// A whole worker: page store, miss path, data service, and the heartbeat loop that keeps it
// registered with the master. Used by `shoal worker` and by tests.
#pragma once

#include <memory>
#include <string>

#include "common/configuration.h"
#include "common/status.h"

namespace shoal::metrics {
class Registry;
}

namespace shoal::worker {

class WorkerProcess {
 public:
  explicit WorkerProcess(const Configuration& conf);
  ~WorkerProcess();

  Status start();
  void stop();
  const std::string& address() const;
  // "host:port" of the web port, "" when shoal.worker.web.port is -1.
  const std::string& webAddress() const;
  // The worker's metrics (its web port serves them): what runs beside it in the process counts there.
  metrics::Registry& metrics();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::worker
