#include "cli/format.h"

#include <ctime>
#include <fmt/format.h>

#include "common/units.h"

namespace shoal::cli {

std::string modeString(const proto::FileInfo& f) {
  const uint32_t mode = f.mode();
  std::string s;
  switch (f.is_dir() ? proto::FILE_TYPE_DIRECTORY : f.type()) {
    case proto::FILE_TYPE_DIRECTORY: s = "d"; break;
    case proto::FILE_TYPE_SYMLINK: s = "l"; break;
    case proto::FILE_TYPE_FIFO: s = "p"; break;
    case proto::FILE_TYPE_SOCKET: s = "s"; break;
    case proto::FILE_TYPE_CHAR_DEVICE: s = "c"; break;
    case proto::FILE_TYPE_BLOCK_DEVICE: s = "b"; break;
    default: s = "-"; break;
  }
  const char* rwx = "rwx";
  for (int i = 8; i >= 0; --i) s.push_back((mode >> i) & 1 ? rwx[(8 - i) % 3] : '-');
  return s;
}

std::string typeName(const proto::FileInfo& f) {
  if (f.is_dir()) return "directory";
  switch (f.type()) {
    case proto::FILE_TYPE_SYMLINK: return "symbolic link";
    case proto::FILE_TYPE_FIFO: return "fifo";
    case proto::FILE_TYPE_SOCKET: return "socket";
    case proto::FILE_TYPE_CHAR_DEVICE: return "character device";
    case proto::FILE_TYPE_BLOCK_DEVICE: return "block device";
    default: return "file";
  }
}

std::string timeString(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string sizeString(uint64_t bytes, bool human) { return human ? humanBytes(bytes) : std::to_string(bytes); }

std::string longListing(const proto::FileInfo& f, bool human) {
  const char* state = f.mount_point() ? "MOUNT" : f.persisted() ? "PERSISTED" : f.complete() ? "NOT_PERSISTED" : "INCOMPLETE";
  std::string name = f.path();
  if (f.type() == proto::FILE_TYPE_SYMLINK) name += " -> " + f.symlink_target();  // as ls -l
  return fmt::format("{}  {:>8}  {:>8}  {:>12}  {}  {:<13}  {}", modeString(f), f.owner(), f.group(),
                     sizeString(f.size(), human), timeString(f.mtime_ms()), state, name);
}

}  // namespace shoal::cli
