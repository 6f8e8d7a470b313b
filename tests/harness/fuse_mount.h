// A real `shoal fuse mount --foreground` for integration tests, and helpers to inspect mounts.
#pragma once

#include <csignal>
#include <string>
#include <vector>

#include "harness/master_cluster.h"

namespace shoal::testing {

// The mount id (first field of /proc/self/mountinfo) of the newest mount of `fstype` on `mp`, or "".
std::string mountId(const std::string& mp, const std::string& fstype = "fuse.shoal");
inline bool mounted(const std::string& mp) { return !mountId(mp).empty(); }
// The whole content of a file ("" when it cannot be read).
std::string slurp(const std::string& path);

// `shoal fuse mount --foreground` as a child process, unmounted at the end.
class FuseMount {
 public:
  // `conf`: configuration entries (key=value), and mount arguments given as "-o", "allow_other".
  FuseMount(MasterUnderTest& master, std::string mp, std::vector<std::string> conf = {})
      : master_(master), mp_(std::move(mp)), conf_(std::move(conf)) {}
  ~FuseMount();
  // Mounts and waits (deadline 60 s) until the mount answers stat.
  bool start();
  void kill9() { proc_.stop(SIGKILL); }
  // SIGTERM; the wait status.
  int terminate() { return proc_.stop(SIGTERM); }
  std::string log() const { return slurp(log_.sub("fuse.log")); }

 private:
  MasterUnderTest& master_;
  std::string mp_;
  std::vector<std::string> conf_;
  TempDir log_{"shoal-fuse-log"};
  ChildProcess proc_;
};

}  // namespace shoal::testing
