// The inode as the namespace sees it: a decoded copy, independent of how a metastore packs it.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace shoal::master {

// [cluster id:16][generation:16][slot:32]. The cluster id lets federated master groups hand out
// ids that never collide; the generation makes a reused slot a different id.
using InodeId = uint64_t;
inline constexpr InodeId kInvalidInode = 0;

inline uint32_t inodeSlot(InodeId id) { return static_cast<uint32_t>(id); }
inline uint16_t inodeGeneration(InodeId id) { return static_cast<uint16_t>(id >> 32); }
inline InodeId makeInodeId(uint16_t cluster, uint16_t generation, uint32_t slot) {
  return (static_cast<uint64_t>(cluster) << 48) | (static_cast<uint64_t>(generation) << 32) | slot;
}

enum InodeFlag : uint16_t {
  kInodeDir = 1 << 0,
  kInodeComplete = 1 << 1,    // files: closed by their writer
  kInodePersisted = 1 << 2,   // exists in the under-store
  kInodeLoaded = 1 << 3,      // directories: children fully loaded from the under-store
  kInodeMountPoint = 1 << 4,
  kInodePinned = 1 << 5,
};

// POSIX file types other than directories (those carry kInodeDir), as proto::FileType numbers them.
enum class InodeType : uint8_t { kRegular = 0, kSymlink = 2, kFifo = 3, kSocket = 4, kCharDevice = 5, kBlockDevice = 6 };

// Extended attributes of one inode, by name.
using XattrMap = std::map<std::string, std::string, std::less<>>;

struct Inode {
  InodeId id = kInvalidInode;
  InodeId parent = kInvalidInode;
  std::string name;
  uint16_t flags = 0;
  uint32_t mode = 0;  // permission bits
  std::string owner;
  std::string group;
  uint64_t size = 0;
  int64_t mtime_ms = 0;
  int64_t ctime_ms = 0;  // last change of content or attributes
  InodeType type = InodeType::kRegular;  // of a non-directory
  std::string symlink_target;  // kSymlink
  uint64_t rdev = 0;           // kCharDevice, kBlockDevice
  int64_t atime_ms = 0;        // set explicitly (utimensat); 0: none, the mtime stands for it
  bool has_xattrs = false;     // read-only here: InodeStore::xattrs() has them

  bool isDir() const { return flags & kInodeDir; }
  bool isRegular() const { return !isDir() && type == InodeType::kRegular; }
  // A symlink, FIFO, socket or device: a name with attributes and no data.
  bool isSpecial() const { return !isDir() && type != InodeType::kRegular; }
  bool has(InodeFlag f) const { return flags & f; }
};

}  // namespace shoal::master
