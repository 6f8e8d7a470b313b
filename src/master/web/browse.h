// The browse page's data: one page of a directory listing at the master, each file with how many
// of its current bytes the live workers hold. Cached bytes come from one CachedBytes call per live
// worker for the whole page, under one overall deadline, so a slow or dead worker makes the figure
// partial (and says so) rather than the page slow.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"

namespace grpc {
class Channel;
}

namespace shoal::proto {
class CachedFile;
class WorkerInfo;
}  // namespace shoal::proto

namespace shoal::master {

class FileSystemMaster;
class WorkerRegistry;

struct BrowseQuery {
  std::string path = "/";
  std::string start_after;  // the last name of the previous page
  uint32_t limit = 200;
};

inline constexpr uint32_t kMaxBrowseLimit = 1000;

// From the query parameters path, start_after and limit (1..kMaxBrowseLimit); InvalidArgument
// naming the parameter otherwise.
Result<BrowseQuery> parseBrowseQuery(const std::map<std::string, std::string>& params);

// Asks workers how many bytes of files they hold; keeps one channel per worker address.
class CachedBytesProbe {
 public:
  struct Answer {
    std::vector<uint64_t> bytes;  // summed over the workers that answered, one per file
    size_t workers_asked = 0;
    size_t workers_answered = 0;
  };
  Answer ask(const std::vector<proto::WorkerInfo>& workers, const std::vector<proto::CachedFile>& files,
             int64_t budget_ms);

 private:
  std::shared_ptr<grpc::Channel> channelTo(const std::string& address);

  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<grpc::Channel>> channels_;  // guarded by mu_
};

// {"path", "entries": [{name, path, type, size, mtime_ms, cached_bytes (files)}], "has_more",
//  "next_start_after", "workers_asked", "workers_answered"}. Errors are those of listStatus
// (NotFound for a path that does not exist, InvalidArgument for a bad one).
Result<nlohmann::json> browse(FileSystemMaster& fs, WorkerRegistry& workers, CachedBytesProbe& probe,
                              const BrowseQuery& query);

}  // namespace shoal::master
