#include "fuse/fuse_audit.h"

#include <cstring>
#include <fmt/format.h>

#include "common/clock.h"
#include "common/user_names.h"
#include "fuse/fuse_fs.h"

namespace shoal::fuse {
namespace {
thread_local FuseAudit* current = nullptr;
}  // namespace

FuseAudit::FuseAudit(fuse_req_t req, const char* op) : log_(fs(req)->audit), op_(op), outer_(current) {
  if (log_ != nullptr && !log_->enabled()) log_ = nullptr;
  current = this;
  if (log_ == nullptr) return;
  const fuse_ctx* c = fuse_req_ctx(req);
  uid_ = c->uid;
  gid_ = c->gid;
  pid_ = c->pid;
  start_us_ = nowUs();
  started_ = std::chrono::steady_clock::now();
}

FuseAudit::~FuseAudit() {
  current = outer_;
  if (log_ == nullptr || !log_->wants(op_, path_)) return;
  std::string user = userName(uid_), group = groupName(gid_), client = fmt::format("pid {}", pid_);
  std::string result = err_ == 0 ? "ok" : std::string(strerrorname_np(err_) ? strerrorname_np(err_) : "error");
  AuditEvent e;
  e.time_us = start_us_;
  e.door = "fuse";
  e.op = op_;
  e.path = path_;
  e.dst = dst_;
  e.allowed = err_ == 0;
  e.result = result;
  e.user = user;
  e.groups = group;
  e.client = client;
  e.latency_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_).count();
  log_->record(e);
}

void FuseAudit::at(std::string_view path, std::string_view dst) {
  if (log_ == nullptr) return;
  path_.assign(path);
  dst_.assign(dst);
}

void FuseAudit::noteError(int err) {
  if (current != nullptr) current->err_ = err;
}

void FuseAudit::notePath(std::string_view path) {
  if (current != nullptr && current->log_ != nullptr) current->path_.assign(path);
}

}  // namespace shoal::fuse
