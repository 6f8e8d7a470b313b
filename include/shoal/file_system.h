// Shoal's C++ client API: the namespace, reads through the workers' cache, and writes with a
// chosen write type. Everything a `shoal fs` command does, a program can do through this header.
//
//   auto fs = shoal::FileSystem::connect({"shoal.master.hostname=10.0.0.5"});
//   auto out = (*fs)->create("/data/x.bin", shoal::WriteType::kCacheThrough);
//   (*out)->write(bytes);  (*out)->close();              // visible to readers from here on
//   auto in = (*fs)->open("/data/x.bin");
//   (*in)->read(buffer);                                   // sequential reads get read-ahead
//
// Configuration: $SHOAL_CONF_DIR/shoal-site.properties, then the "key=value" overrides given to
// connect(). Errors are Status values whose message names the path and the cause.
// A FileSystem is thread-safe; each InputFile/OutputFile belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"

namespace shoal {

struct FileStatus {
  uint64_t id = 0;
  std::string path;
  bool is_dir = false;
  uint64_t size = 0;
  uint32_t mode = 0;
  std::string owner;
  std::string group;
  int64_t mtime_ms = 0;
  bool persisted = false;  // in the under-store
  bool pinned = false;     // kept in the workers' cache through eviction
};

enum class WriteType {
  kDefault,       // shoal.user.file.writetype.default
  kMustCache,     // the workers' cache only
  kCacheThrough,  // the under-store and the cache
  kThrough,       // the under-store only
};

class InputFile {
 public:
  virtual ~InputFile() = default;
  virtual const FileStatus& status() const = 0;
  // Up to buf.size() bytes at `offset`; 0 at the end of the file.
  virtual Result<size_t> pread(uint64_t offset, std::span<char> buf) = 0;
  // The next bytes after the previous read() (from offset 0 at first).
  virtual Result<size_t> read(std::span<char> buf) = 0;
};

class OutputFile {
 public:
  virtual ~OutputFile() = default;  // without close(), the file is dropped
  virtual Status write(std::span<const char> data) = 0;
  // Publishes the file and returns it as readers now see it.
  virtual Result<FileStatus> close() = 0;
  virtual void cancel() = 0;
};

class FileSystem {
 public:
  static Result<std::unique_ptr<FileSystem>> connect(const std::vector<std::string>& overrides = {});
  virtual ~FileSystem() = default;

  virtual Result<FileStatus> getStatus(const std::string& path) = 0;
  virtual Result<std::vector<FileStatus>> list(const std::string& path) = 0;
  virtual Status mkdir(const std::string& path, bool recursive = true) = 0;
  virtual Status remove(const std::string& path, bool recursive = false) = 0;
  virtual Status rename(const std::string& src, const std::string& dst) = 0;
  virtual Result<std::unique_ptr<InputFile>> open(const std::string& path) = 0;
  virtual Result<std::unique_ptr<OutputFile>> create(const std::string& path, WriteType type = WriteType::kDefault) = 0;
};

}  // namespace shoal
