// A real `shoal master` process for integration tests, on a free 127.0.0.1 port with its own
// journal folder, plus helpers to run `shoal` CLI commands against it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "stubs/master_client.h"
#include "harness/process.h"
#include "worker.pb.h"
#include "testing/temp_dir.h"

namespace shoal::testing {

// The shoal binary under test (set by CMake).
const std::string& shoalBinary();

class MasterUnderTest {
 public:
  // `extra` are -D overrides (without the "-D") for the master. `port` 0 picks a free one.
  explicit MasterUnderTest(std::vector<std::string> extra = {}, int port = 0);
  ~MasterUnderTest();

  // Starts the master and waits (deadline 60 s) until it answers. Returns false and logs on failure.
  bool start();
  void kill9();
  // SIGTERM, and the exit status.
  int terminate();
  bool restart() {
    kill9();
    return start();
  }

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // The web port (/metrics, /api/v1/, the UI), on 127.0.0.1.
  int webPort() const { return web_port_; }
  const std::string& journalDir() const { return journal_; }
  std::string log() const;
  stubs::MasterClient& client();
  // Runs `shoal ARGS... -Dshoal.master.rpc.port=PORT`.
  CommandResult cli(const std::vector<std::string>& args, const std::vector<std::string>& extra_conf = {});

 private:
  TempDir dir_{"shoal-master-it"};
  std::string journal_;
  std::string log_path_;
  int port_;
  int web_port_ = freePort();
  std::vector<std::string> extra_;
  ChildProcess proc_;
  std::unique_ptr<stubs::MasterClient> client_;
};

// The worker's counters and tier usage (GetStats); a failed call fails the test.
proto::WorkerStatsResponse workerStats(const std::string& address);

// A real `shoal worker` process registered with `master`, its MEM tier under /dev/shm. It listens
// on 127.0.0.1 unless `extra` sets shoal.worker.hostname (another loopback address, say).
class WorkerUnderTest {
 public:
  WorkerUnderTest(MasterUnderTest& master, std::vector<std::string> extra = {});
  ~WorkerUnderTest();
  // Starts the worker and waits (deadline 60 s) until the master lists it as live.
  bool start();
  void kill9();
  // kill -9, then start again on the same port and tier directories.
  bool restart() {
    kill9();
    return start();
  }
  const std::string& address() const { return address_; }
  int webPort() const { return web_port_; }
  std::string log() const;
  const std::string& memDir() const { return mem_dir_; }

 private:
  MasterUnderTest& master_;
  TempDir dir_{"shoal-worker-it"};
  std::string mem_dir_;
  std::string log_path_;
  int port_;
  int web_port_ = freePort();
  std::string address_;
  std::vector<std::string> extra_;
  ChildProcess proc_;
};

}  // namespace shoal::testing
