#include "cli/format.h"

#include <ctime>
#include <fmt/format.h>

#include "common/units.h"

namespace shoal::cli {

std::string modeString(bool is_dir, uint32_t mode) {
  std::string s = is_dir ? "d" : "-";
  const char* rwx = "rwx";
  for (int i = 8; i >= 0; --i) s.push_back((mode >> i) & 1 ? rwx[(8 - i) % 3] : '-');
  return s;
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
  return fmt::format("{}  {:>8}  {:>8}  {:>12}  {}  {:<13}  {}", modeString(f.is_dir(), f.mode()), f.owner(), f.group(),
                     sizeString(f.size(), human), timeString(f.mtime_ms()), state, f.path());
}

}  // namespace shoal::cli
