// Writes one new Shoal file. Per shoal.user.file.writetype.default (or the caller's choice):
//   MUST_CACHE     pages go to the workers that own them on the ring, and nowhere else;
//   CACHE_THROUGH  the store gets the file, and the owning workers get its pages;
//   THROUGH        the store only.
// Close-to-open: the file is invisible until close() returns it. A writer that fails, is
// cancelled or dies leaves nothing behind: the store publishes a file only on close, workers drop
// pages never committed, and the master hides the unfinished file (and drops it on cancel; after
// shoal.master.file.write.lease another create may take the name). Not thread-safe: one writer per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common.pb.h"
#include "common/status.h"

namespace shoal::client {

class Context;

struct WriteOptions {
  proto::WriteType write_type = proto::WRITE_TYPE_DEFAULT;  // DEFAULT: the configured default
  std::optional<uint32_t> mode;                              // default 0644
  bool recursive = true;                                     // create missing parent directories
};

// The write type a name stands for ("MUST_CACHE", ...); InvalidArgument names the choices.
Result<proto::WriteType> parseWriteType(const std::string& name);

class FileWriter {
 public:
  // Uses the context's master, workers and stores (client::Context::createFile).
  static Result<std::unique_ptr<FileWriter>> create(Context& context, const std::string& path,
                                                    const WriteOptions& options = {});
  ~FileWriter();  // cancel() unless closed

  Status write(std::span<const char> data);
  // Publishes the file; returns it as readers will see it.
  Result<proto::FileInfo> close();
  void cancel();
  uint64_t bytesWritten() const;

 private:
  struct Impl;
  explicit FileWriter(std::unique_ptr<Impl> impl);
  Status flushPage();
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::client
