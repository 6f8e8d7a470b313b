// The state shared by the FUSE operations (fuse_ops_*.cc): the client library's parts, the vfs,
// the inode table, and the kernel-cache settings. Writes and the namespace changes that involve
// open files go through the vfs (POSIX semantics); reads of published files through the client
// library. This module only translates between FUSE requests and those calls.
#pragma once

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "client/context.h"
#include "common/configuration.h"
#include "common/live_config.h"
#include "fuse/fuse_audit.h"
#include "fuse/node_table.h"
#include "vfs/caller.h"
#include "vfs/vfs.h"

namespace shoal::fuse {

class FuseShell;
class FuseOpMetrics;

// An open file: a snapshot of its metadata for reads (so one open never mixes two versions), or
// the vfs file it writes (shared with the other handles of the path, and read through too).
struct FileHandle {
  proto::FileInfo info;
  std::shared_ptr<vfs::OpenFile> file;
  int flags = 0;  // open(2) flags
};

struct FuseFs {
  FuseFs(const Configuration& conf, const std::string& root);
  ~FuseFs();
  // Made after the daemon forks (gRPC must not be initialised before a fork).
  void connect();

  Configuration conf;
  NodeTable nodes;
  std::unique_ptr<client::Context> client;
  stubs::MasterClient* master = nullptr;  // client->master()
  client::FileReader* reader = nullptr;   // client->reader()
  std::unique_ptr<vfs::Vfs> vfs;
  std::unique_ptr<FuseShell> shell;
  std::unique_ptr<FuseOpMetrics> op_metrics;  // set before the session starts, then read-only
  AuditLog* audit = nullptr;                   // the daemon's; set before the session starts
  fuse_session* session = nullptr;
  // Hot (shoal.fuse.entry.timeout, .attr.timeout): what the kernel is told for new lookups.
  std::atomic<double> entry_timeout{0};
  std::atomic<double> attr_timeout{0};
  // Applies the FUSE keys of every later version of `live` until the handle is destroyed.
  std::unique_ptr<LiveConfig::Listener> followConfig(LiveConfig& live);
  bool keep_cache = true;

  std::mutex mu;
  std::unordered_map<uint64_t, std::pair<uint64_t, int64_t>> seen;     // ino -> (size, mtime) last opened; guarded by mu
  // ino -> the attributes last given to the kernel, and when: open trusts them as long as the
  // kernel trusts them (attr timeout), saving a master call per open. Guarded by mu.
  std::unordered_map<uint64_t, std::pair<proto::FileInfo, std::chrono::steady_clock::time_point>> given;

  void remember(uint64_t ino, const proto::FileInfo& f);
  // What the kernel was last told about `ino`, if that is younger than the attr timeout.
  std::optional<proto::FileInfo> recent(uint64_t ino);
  void forgetIno(uint64_t ino);

  // Shoal path of child `name` of inode `parent`; an error for unknown parents or bad names.
  Result<std::string> childPath(uint64_t parent, const char* name) const;
  void fillStat(const proto::FileInfo& f, uint64_t ino, struct stat* st) const;
  // The kernel entry for `f` at `path` (counts one lookup).
  fuse_entry_param entry(const proto::FileInfo& f, const std::string& path);
  // Replies to getattr/setattr with the attributes of `path` (an open file's own, if open here).
  void replyAttr(fuse_req_t req, uint64_t ino, const std::string& path, const char* op);
};

FuseFs* fs(fuse_req_t req);
// Acts for the process that made the request while in scope: what it creates is its own.
inline vfs::ActingFor requester(fuse_req_t req) {
  const fuse_ctx* c = fuse_req_ctx(req);
  return vfs::ActingFor(c->uid, c->gid);
}
// fuse_reply_err as a void call, so handlers can `return replyErrno(req, ENOENT);`.
inline void replyErrno(fuse_req_t req, int err) {
  FuseAudit::noteError(err);
  fuse_reply_err(req, err);
}
// ENAMETOOLONG for names over 255 bytes, EINVAL for names with control characters, else 0.
int nameErrno(const char* name);
// The S_IFMT bits of a file's type.
uint32_t typeBits(const proto::FileInfo& f);
// Replies with the errno for `st` (logging causes that map to EIO).
void replyError(fuse_req_t req, const Status& st, const char* op);

// The operation table (fuse_ops_read.cc, fuse_ops_write.cc).
void addReadOps(fuse_lowlevel_ops* ops);
void addWriteOps(fuse_lowlevel_ops* ops);

}  // namespace shoal::fuse
