// The FUSE ceiling on this machine: a minimal in-memory low-level FUSE file system (a flat
// directory of `files` files of `file_size` bytes, plus big.bin), served in this process with the
// same kernel-cache settings as Shoal's mount. Shoal's FUSE figures are judged against it. Other
// names can be created and written: the bytes are dropped, only sizes are kept (the ceiling of
// the kernel's create, write, flush and release round trips).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace shoal::bench {

class BareFuse {
 public:
  // Mounts at `mountpoint` and serves from a background thread; throws on failure.
  BareFuse(const std::string& mountpoint, uint64_t files, uint64_t file_size, uint64_t big_size, double timeout_s);
  ~BareFuse();  // unmounts

  struct Impl;  // the file system's state; public for the C callbacks in bare_fuse.cc

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::bench
