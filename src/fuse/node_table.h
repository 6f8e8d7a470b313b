// FUSE inode numbers for Shoal paths. The kernel names files by inode number; Shoal's client API
// by path. Numbers are handed out per path on first lookup (not Shoal's inode ids, which change
// when a file is replaced) and counted as the kernel counts them, so forget() can drop them.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace shoal::fuse {

class NodeTable {
 public:
  // The mount's root (FUSE_ROOT_ID) is the Shoal path `root`.
  explicit NodeTable(std::string root);

  // The path of inode `ino`, if known.
  std::optional<std::string> path(uint64_t ino) const;
  // The inode for `path`, created if new; adds one kernel lookup.
  uint64_t lookup(const std::string& path);
  // The inode the kernel knows for `path`, without counting a lookup.
  std::optional<uint64_t> find(const std::string& path) const;
  // Drops `n` kernel lookups; forgets the inode when none remain (never the root).
  void forget(uint64_t ino, uint64_t n);
  // `from` (and everything below it) is now `to`.
  void rename(const std::string& from, const std::string& to);
  // Every known (inode, path), for invalidating the kernel's caches.
  std::vector<std::pair<uint64_t, std::string>> all() const;
  const std::string& root() const { return root_; }

 private:
  struct Node {
    std::string path;
    uint64_t lookups = 0;
  };
  const std::string root_;
  mutable std::mutex mu_;
  uint64_t next_ = 2;                            // guarded by mu_ (1 is the root)
  std::unordered_map<uint64_t, Node> nodes_;     // guarded by mu_
  std::map<std::string, uint64_t> by_path_;      // ordered: a subtree is one range; guarded by mu_
};

}  // namespace shoal::fuse
