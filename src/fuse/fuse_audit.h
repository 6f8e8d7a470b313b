// The audit record of one FUSE operation that changes something (mkdir, create, unlink, rmdir,
// rename, mknod, symlink, setattr, setxattr, removexattr): made at the top of the handler with the
// caller's uid, gid and pid from the request (the reply frees it), written when the handler
// returns. The path is noted when the handler knows it, the result by the error reply, so the
// handlers keep their shape. One per handler thread at a time.
#pragma once

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

#include <chrono>
#include <string>
#include <string_view>

#include "common/audit_log.h"

namespace shoal::fuse {

class FuseAudit {
 public:
  FuseAudit(fuse_req_t req, const char* op);
  ~FuseAudit();
  FuseAudit(const FuseAudit&) = delete;
  FuseAudit& operator=(const FuseAudit&) = delete;

  void at(std::string_view path, std::string_view dst = {});
  // The handler in progress on this thread replied with `err` (called by the error replies).
  static void noteError(int err);
  // Its path, when a shared helper found it (the new name of mkdir, create, ...).
  static void notePath(std::string_view path);

 private:
  AuditLog* log_;
  const char* op_;
  uint32_t uid_ = 0, gid_ = 0;
  int pid_ = 0;
  int err_ = 0;
  std::string path_, dst_;
  int64_t start_us_ = 0;
  std::chrono::steady_clock::time_point started_;
  FuseAudit* outer_;
};

}  // namespace shoal::fuse
