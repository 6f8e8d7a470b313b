// Mounting Shoal with FUSE (the low-level libfuse3 API over the client library), and unmounting.
#pragma once

#include <string>
#include <vector>

#include "common/configuration.h"

namespace shoal::fuse {

struct MountOptions {
  std::string mountpoint;
  std::string root = "/";                // the Shoal directory shown at the mount point
  std::vector<std::string> fuse_options;  // extra -o options (allow_other, ro, ...)
  bool foreground = false;
};

// Mounts and serves until unmounted or SIGINT/SIGTERM/SIGHUP, then unmounts cleanly. A stale
// mount left by a daemon that died is detached first. In the background (the default), returns
// in the caller once the mount is up, or with the reason it is not.
Status runMount(const Configuration& conf, const MountOptions& opts);
Status unmount(const std::string& mountpoint);
// The log file of the daemon serving `mountpoint` ("" when shoal.log.dir is empty).
std::string mountLogPath(const Configuration& conf, const std::string& mountpoint);

}  // namespace shoal::fuse
