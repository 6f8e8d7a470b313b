// A program's client (the C++ API, the Python binding): a Context that follows the cluster
// configuration as a FUSE mount does (its hot client keys and the log level), and shows in
// `shoal conf status` under `kind`. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "client/context.h"
#include "common/live_config.h"

namespace shoal::stubs {
class ConfSync;
}

namespace shoal::client {

class LiveClient {
 public:
  explicit LiveClient(Configuration conf, std::string kind = "client");
  ~LiveClient();
  LiveClient(const LiveClient&) = delete;
  LiveClient& operator=(const LiveClient&) = delete;

  Context& context() { return ctx_; }

  // Around a fork: gRPC's fork handlers do nothing while any thread is inside a call, and the
  // configuration watch nearly always is (it long-polls). pauseWatch() returns once the watch has
  // stopped; resumeWatch() starts it again (in the parent; a child builds its own client).
  void pauseWatch();
  void resumeWatch();

 private:
  Context ctx_;
  LiveConfig live_;
  std::unique_ptr<LiveConfig::Listener> settings_;
  std::unique_ptr<LiveConfig::Listener> log_level_;
  const std::string kind_;
  const std::string host_;
  const std::string id_;
  std::mutex mu_;
  std::unique_ptr<stubs::ConfSync> sync_;  // guarded by mu_; null while paused
};

}  // namespace shoal::client
