// One audited RPC at the master: made at the top of a handler (after the leader check), done()
// records the result and latency and passes the status through. Costs one relaxed load when the
// audit log is off or filters the op out.
#pragma once

#include <chrono>
#include <grpcpp/grpcpp.h>
#include <string>
#include <string_view>

#include "common/audit_log.h"
#include "common/clock.h"
#include "rpc/identity.h"
#include "rpc/leader_metadata.h"
#include "rpc/status_convert.h"

namespace shoal::master {

class AuditedCall {
 public:
  AuditedCall(AuditLog* log, const grpc::ServerContext* ctx, std::string_view op, std::string_view path,
              std::string_view dst = {})
      : log_(log != nullptr && log->wants(op, path) ? log : nullptr), ctx_(ctx), op_(op), path_(path), dst_(dst) {
    if (log_ != nullptr) {
      start_us_ = nowUs();
      started_ = std::chrono::steady_clock::now();
    }
  }

  grpc::Status done(grpc::Status st) {
    if (log_ == nullptr) return st;
    auto id = rpc::identityFrom(*ctx_);
    std::string peer = ctx_->peer();
    std::string_view client = peer;
    if (client.starts_with("ipv4:")) client.remove_prefix(5);
    else if (client.starts_with("ipv6:")) client.remove_prefix(5);
    std::string rid = rpc::requestIdFrom(*ctx_);
    std::string_view result = st.ok() ? "ok" : statusCodeName(rpc::fromGrpc(st, "").code());
    AuditEvent e;
    e.time_us = start_us_;
    e.door = "master";
    e.op = op_;
    e.path = path_;
    e.dst = dst_;
    e.allowed = st.ok();
    e.result = result;
    e.user = id.user;
    e.groups = id.group;
    e.client = client;
    e.request_id = rid;
    e.latency_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_).count();
    log_->record(e);
    return st;
  }

 private:
  AuditLog* log_;
  const grpc::ServerContext* ctx_;
  std::string_view op_, path_, dst_;
  int64_t start_us_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace shoal::master
