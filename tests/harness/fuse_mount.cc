#include "harness/fuse_mount.h"

#include <csignal>
#include <fstream>
#include <iterator>
#include <sys/stat.h>

namespace shoal::testing {

std::string mountId(const std::string& mp, const std::string& fstype) {
  std::ifstream in("/proc/self/mountinfo");
  std::string id;
  for (std::string line; std::getline(in, line);) {
    if (line.find(" " + mp + " ") != std::string::npos && line.find(" " + fstype + " ") != std::string::npos) {
      id = line.substr(0, line.find(' '));
    }
  }
  return id;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

FuseMount::~FuseMount() {
  runCommand({shoalBinary(), "fuse", "unmount", mp_});
  // The unmount ends the daemon's loop; let it close its store sessions. A SIGTERM in the middle
  // killed it mid-cleanup, and CephFS then kept its session (and its caps) for a minute.
  eventually([&] { return !proc_.running(); }, 30);
  if (proc_.running()) proc_.stop(SIGTERM);
}

bool FuseMount::start() {
  std::vector<std::string> argv{shoalBinary(), "fuse", "mount", mp_, "--foreground",
                                "-Dshoal.master.rpc.port=" + std::to_string(master_.port()),
                                "-Dshoal.log.dir=" + log_.sub("logs")};
  // Entries starting with '-' are arguments of `shoal fuse mount` ("-o", "allow_other").
  for (const auto& c : conf_) argv.push_back(c.starts_with("-") || (!argv.empty() && argv.back() == "-o") ? c : "-D" + c);
  // A dead mount of a killed daemon stays listed (and may even answer stat from the kernel's
  // cache): wait for a mount that is not that one.
  std::string stale = mountId(mp_);
  if (!proc_.start(argv, log_.sub("fuse.log"))) return false;
  return eventually([&] {
    struct stat st;
    std::string id = mountId(mp_);
    return !id.empty() && id != stale && ::stat(mp_.c_str(), &st) == 0;
  }, 60);
}

}  // namespace shoal::testing
