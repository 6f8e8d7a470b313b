// The "FUSE shell": reserved names under the mount (default /.shoal) that the daemon answers itself,
// so the client metadata cache can be managed with ls and cat alone:
//   ls .shoal/metadatacache/drop          drops every cached path status, and the kernel's entries
//   ls .shoal/metadatacache/drop/<path>   drops one path (and everything below it)
//   cat .shoal/metadatacache/size         the number of cached entries
// Shell nodes use inode numbers far above the node table's, are never listed in the mount root
// (so `diff -r` against the store stays clean), and are never cached by the kernel.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "fuse/fuse_fs.h"

namespace shoal::fuse {

class FuseShell {
 public:
  FuseShell(FuseFs& fs, const std::string& prefix);

  bool isShell(uint64_t ino) const { return ino >= kBase; }
  // Each returns false when the request is not about the shell (the caller handles it).
  bool lookup(fuse_req_t req, uint64_t parent, const char* name);
  bool getattr(fuse_req_t req, uint64_t ino);
  bool opendir(fuse_req_t req, uint64_t ino, fuse_file_info* fi);
  bool open(fuse_req_t req, uint64_t ino, fuse_file_info* fi);
  void readdir(fuse_req_t req, uint64_t ino, size_t size, off_t off, fuse_file_info* fi);
  void read(fuse_req_t req, uint64_t ino, size_t size, off_t off);
  const std::string& name() const { return name_; }

 private:
  static constexpr uint64_t kBase = 1ULL << 62;
  static constexpr uint64_t kRoot = kBase + 1, kMetaCache = kBase + 2, kDrop = kBase + 3, kSize = kBase + 4;

  void replyDir(fuse_req_t req, uint64_t ino, bool entry);
  std::string sizeText() const;
  // Drops `path` (a Shoal path) from the client cache and the kernel's caches.
  void dropPath(const std::string& path);
  void dropAll();

  FuseFs& fs_;
  std::string name_;  // the reserved name in the mount root, ".shoal"
  std::mutex mu_;
  std::atomic<uint64_t> next_{kBase + 100};
  std::unordered_map<uint64_t, std::string> drop_nodes_;  // ino -> path below drop/; guarded by mu_
};

}  // namespace shoal::fuse
