// A whole master: metastore, state machine, journal, file-system operations and the gRPC server,
// built from a Configuration. start() recovers from the journal and begins serving; stop() drains
// RPCs and closes the journal. Used by `shoal master` and by tests that need a master in-process.
#pragma once

#include <memory>
#include <string>

#include "common/configuration.h"
#include "common/status.h"

namespace shoal::master {

class MasterProcess {
 public:
  explicit MasterProcess(const Configuration& conf);
  ~MasterProcess();

  Status start();
  void stop();
  // "host:port" the server is bound to (the real port when shoal.master.rpc.port is 0).
  const std::string& address() const;
  // "host:port" of the web port, "" when shoal.master.web.port is -1.
  const std::string& webAddress() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::master
