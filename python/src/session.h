// One Shoal client for Python, safe across fork(). The client (a LiveClient and the vfs over it)
// belongs to the process that built it. A child of a fork never touches what it inherited: the
// threads behind it did not come along and its locks may be held, so on first use the child
// builds its own from the same configuration and leaves the inherited one alone, never destroyed
// (a small, bounded leak per fork instead of a hang). spawn and forkserver children unpickle the
// overrides and connect afresh.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <vector>

#include "client/live_client.h"
#include "common/configuration.h"
#include "vfs/vfs.h"

namespace shoal::python {

class Session {
 public:
  // Loads the configuration ($SHOAL_CONF_DIR/shoal-site.properties, then `overrides`); makes no
  // call yet. InvalidArgument names a bad override.
  static Result<std::shared_ptr<Session>> connect(std::vector<std::string> overrides);
  ~Session();

  const std::vector<std::string>& overrides() const { return overrides_; }
  // This process's client and vfs, built on first use in each process.
  client::Context& client();
  vfs::Vfs& vfs();
  // The process that built the client `generation()` names; a file object made under one
  // generation and used under another was opened in another process.
  uint64_t generation();

  // Python's os.register_at_fork hooks, for every live session: before, the configuration
  // watches stop (gRPC's own fork handlers do nothing while a call is in flight) and the
  // sessions' locks are held across the fork; after, they are released and, in the parent,
  // the watches start again.
  static void beforeFork();
  static void afterForkInParent();
  static void afterForkInChild();

 private:
  struct Parts;
  Session(Configuration conf, std::vector<std::string> overrides);
  Parts& parts();

  const Configuration conf_;
  const std::vector<std::string> overrides_;
  std::mutex mu_;
  pid_t pid_ = 0;             // guarded by mu_: the process `parts_` belongs to
  Parts* parts_ = nullptr;    // guarded by mu_; owned while pid_ is this process
  uint64_t generation_ = 0;   // guarded by mu_
};

}  // namespace shoal::python
