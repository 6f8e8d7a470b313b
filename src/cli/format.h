// Output formatting shared by the fs commands: ls -l style lines, modes, times, sizes.
#pragma once

#include <string>

#include "common.pb.h"

namespace shoal::cli {

std::string modeString(const proto::FileInfo& f);  // "drwxr-xr-x", "lrwxrwxrwx"
std::string typeName(const proto::FileInfo& f);    // "file", "directory", "symbolic link", ...
std::string timeString(int64_t ms);                  // "2026-11-22 14:20:05" (local time)
std::string sizeString(uint64_t bytes, bool human);
// "-rw-r--r--  alice  staff      1024  2026-11-22 14:20:05  PERSISTED  /data/a.txt"
std::string longListing(const proto::FileInfo& f, bool human);

}  // namespace shoal::cli
