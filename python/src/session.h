// One Shoal client for Python, safe across fork(). gRPC cannot be carried through a fork (its
// threads stay behind, its locks and pollers are shared with the parent; its own fork handlers
// deadlock in Debian's 1.51 when a call's cleanup is queued). So before a fork every session drops
// its client, the binding releases gRPC and waits until gRPC has shut down; after the fork, parent
// and child each build a new client on first use. A fork while a call is in flight or a file is
// open for writing keeps gRPC up: the child then refuses Shoal calls with an error saying so,
// rather than hang. spawn and forkserver children unpickle the overrides and connect afresh.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <unistd.h>
#include <vector>

#include "client/live_client.h"
#include "common/configuration.h"
#include "vfs/vfs.h"

namespace shoal::python {

// A process's client: what every call runs on, held for the call's length.
struct Parts {
  explicit Parts(const Configuration& conf) : live(conf, "python"), vfs(live.context()), pid(::getpid()) {}
  client::Context& client() { return live.context(); }
  client::LiveClient live;
  vfs::Vfs vfs;
  const pid_t pid;
};

class Session {
 public:
  // Loads the configuration ($SHOAL_CONF_DIR/shoal-site.properties, then `overrides`); makes no
  // call yet. InvalidArgument names a bad override.
  static Result<std::shared_ptr<Session>> connect(std::vector<std::string> overrides);
  ~Session();

  const std::vector<std::string>& overrides() const { return overrides_; }
  // This process's client, built on first use (after each fork). FailedPrecondition in a child
  // forked while gRPC was in use.
  std::shared_ptr<Parts> parts();

  // At import: the binding's own hold on gRPC, so the last client going does not start gRPC's
  // asynchronous shutdown.
  static void holdGrpc();
  // Python's os.register_at_fork hooks.
  static void beforeFork();
  static void afterForkInParent();
  static void afterForkInChild();

 private:
  Session(Configuration conf, std::vector<std::string> overrides);

  const Configuration conf_;
  const std::vector<std::string> overrides_;
  std::mutex mu_;
  std::shared_ptr<Parts> parts_;  // guarded by mu_
};

}  // namespace shoal::python
