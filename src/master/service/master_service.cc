#include "master/service/master_service.h"

#include <fmt/format.h>

#include "master/fs/request_scope.h"
#include "master/service/audited_call.h"
#include "rpc/identity.h"
#include "rpc/leader_metadata.h"
#include "rpc/limits.h"
#include "rpc/status_convert.h"
#include "shoal_version.h"

namespace shoal::master {
namespace {

CallerIdentity caller(const grpc::ServerContext* ctx) {
  auto id = rpc::identityFrom(*ctx);
  return CallerIdentity{id.user, id.group};
}

std::optional<int64_t> syncOverride(const proto::SyncOptions& s) {
  return s.has_sync_interval_ms() ? std::optional<int64_t>(s.sync_interval_ms()) : std::nullopt;
}

template <typename T>
grpc::Status fill(Result<T> r, T* out) {
  if (!r) return rpc::toGrpc(r.error());
  *out = std::move(*r);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status MasterServiceImpl::GetStatus(grpc::ServerContext* ctx, const proto::GetStatusRequest* req,
                                          proto::GetStatusResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "getStatus", req->path());
  return audit.done(fill(fs_.getStatus(req->path(), syncOverride(req->sync())), resp->mutable_info()));
}

grpc::Status MasterServiceImpl::GetStatusBatch(grpc::ServerContext* ctx, const proto::GetStatusBatchRequest* req,
                                               proto::GetStatusBatchResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "getStatusBatch", req->paths_size() > 0 ? std::string_view(req->paths(0)) : std::string_view());
  if (req->paths_size() > rpc::kMaxBatchPaths) {
    return audit.done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        fmt::format("GetStatusBatch: {} paths in one call; at most {} (split the batch)",
                                    req->paths_size(), rpc::kMaxBatchPaths)));
  }
  for (const auto& path : req->paths()) {
    auto* r = resp->add_results();
    r->set_path(path);
    auto info = fs_.getStatus(path, syncOverride(req->sync()));
    if (info) {
      *r->mutable_info() = std::move(*info);
    } else {
      grpc::Status g = rpc::toGrpc(info.error());
      r->set_error_code(static_cast<int32_t>(info.error().code()));
      r->set_error_message(g.error_message());
    }
  }
  return audit.done(grpc::Status::OK);
}

grpc::Status MasterServiceImpl::ListStatus(grpc::ServerContext* ctx, const proto::ListStatusRequest* req,
                                           proto::ListStatusResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "listStatus", req->path());
  auto r = fs_.listStatus(req->path(), req->start_after(), req->limit(), syncOverride(req->sync()), req->continued());
  if (!r) return audit.done(rpc::toGrpc(r.error()));
  for (auto& e : r->entries) *resp->add_entries() = std::move(e);
  resp->set_has_more(r->has_more);
  return audit.done(grpc::Status::OK);
}

grpc::Status MasterServiceImpl::CreateDirectory(grpc::ServerContext* ctx, const proto::CreateDirectoryRequest* req,
                                                proto::CreateDirectoryResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "mkdir", req->path());
  RequestScope scope(rpc::requestIdFrom(*ctx));
  std::optional<uint32_t> mode = req->has_mode() ? std::optional<uint32_t>(req->mode()) : std::nullopt;
  return audit.done(fill(fs_.createDirectory(caller(ctx), req->path(), req->recursive(), mode), resp->mutable_info()));
}

grpc::Status MasterServiceImpl::CreateFile(grpc::ServerContext* ctx, const proto::CreateFileRequest* req,
                                           proto::CreateFileResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "createFile", req->path());
  RequestScope scope(rpc::requestIdFrom(*ctx));
  std::optional<uint32_t> mode = req->has_mode() ? std::optional<uint32_t>(req->mode()) : std::nullopt;
  if (req->type() != proto::FILE_TYPE_REGULAR) {
    return audit.done(fill(fs_.createSpecial(caller(ctx), req->path(), mode.value_or(0644), req->type(), req->symlink_target(),
                                  req->rdev()),
                resp->mutable_info()));
  }
  grpc::Status st = fill(fs_.createFile(caller(ctx), req->path(), req->recursive(), mode, req->write_type(), req->complete()),
                         resp->mutable_info());
  // The writer places pages next: it learns here, not at its next worker-list refresh, that a worker
  // it may still pick is being decommissioned.
  resp->mutable_info()->set_worker_states_digest(fs_.workerStatesDigest());
  return audit.done(st);
}

grpc::Status MasterServiceImpl::CompleteFile(grpc::ServerContext* ctx, const proto::CompleteFileRequest* req,
                                             proto::CompleteFileResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "completeFile", req->path());
  RequestScope scope(rpc::requestIdFrom(*ctx));
  return audit.done(fill(fs_.completeFile(req->path(), req->length(), req->persisted(), req->file_id(), req->mtime_ms()),
              resp->mutable_info()));
}

grpc::Status MasterServiceImpl::Delete(grpc::ServerContext* ctx, const proto::DeleteRequest* req, proto::DeleteResponse*) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "delete", req->path());
  RequestScope scope(rpc::requestIdFrom(*ctx));
  return audit.done(rpc::toGrpc(fs_.remove(req->path(), req->recursive(), req->shoal_only(), req->file_id())));
}

grpc::Status MasterServiceImpl::Rename(grpc::ServerContext* ctx, const proto::RenameRequest* req, proto::RenameResponse*) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "rename", req->src(), req->dst());
  RequestScope scope(rpc::requestIdFrom(*ctx));
  return audit.done(rpc::toGrpc(fs_.rename(req->src(), req->dst(), req->replace(), req->keep_xattrs())));
}

grpc::Status MasterServiceImpl::SetXattr(grpc::ServerContext* ctx, const proto::SetXattrRequest* req,
                                         proto::SetXattrResponse*) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "setXattr", req->path());
  RequestScope scope(rpc::requestIdFrom(*ctx));
  return audit.done(rpc::toGrpc(fs_.setXattr(req->path(), req->name(), req->value(), req->mode(), req->remove())));
}

grpc::Status MasterServiceImpl::GetXattrs(grpc::ServerContext* ctx, const proto::GetXattrsRequest* req,
                                          proto::GetXattrsResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "getXattrs", req->path());
  auto attrs = fs_.getXattrs(req->path());
  if (!attrs) return audit.done(rpc::toGrpc(attrs.error()));
  for (auto& [name, value] : *attrs) (*resp->mutable_xattrs())[name] = value;
  return audit.done(grpc::Status::OK);
}

grpc::Status MasterServiceImpl::SetAttribute(grpc::ServerContext* ctx, const proto::SetAttributeRequest* req,
                                             proto::SetAttributeResponse*) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "setAttribute", req->path());
  RequestScope scope(rpc::requestIdFrom(*ctx));
  master::AttrChange change;
  if (req->has_mode()) change.mode = req->mode();
  if (req->has_owner()) change.owner = req->owner();
  if (req->has_group()) change.group = req->group();
  if (req->has_pinned()) change.pinned = req->pinned();
  if (req->has_mtime_ms()) change.mtime_ms = req->mtime_ms();
  if (req->has_atime_ms()) change.atime_ms = req->atime_ms();
  return audit.done(rpc::toGrpc(fs_.setAttribute(req->path(), change, req->recursive())));
}

grpc::Status MasterServiceImpl::Mount(grpc::ServerContext* ctx, const proto::MountRequest* req, proto::MountResponse*) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "mount", req->path(), req->uri());
  RequestScope scope(rpc::requestIdFrom(*ctx));
  std::map<std::string, std::string> options(req->options().begin(), req->options().end());
  return audit.done(rpc::toGrpc(fs_.mount(caller(ctx), req->path(), req->uri(), req->readonly(), options)));
}

grpc::Status MasterServiceImpl::Unmount(grpc::ServerContext* ctx, const proto::UnmountRequest* req,
                                        proto::UnmountResponse*) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "unmount", req->path());
  RequestScope scope(rpc::requestIdFrom(*ctx));
  return audit.done(rpc::toGrpc(fs_.unmount(req->path())));
}

grpc::Status MasterServiceImpl::UpdateMount(grpc::ServerContext* ctx, const proto::UpdateMountRequest* req,
                                            proto::UpdateMountResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  AuditedCall audit(audit_, ctx, "updateMount", req->path());
  RequestScope scope(rpc::requestIdFrom(*ctx));
  std::map<std::string, std::string> set(req->options().begin(), req->options().end());
  std::vector<std::string> unset(req->unset_options().begin(), req->unset_options().end());
  auto r = fs_.updateMount(req->path(), set, unset,
                           req->set_readonly() ? std::optional<bool>(req->readonly()) : std::nullopt);
  if (!r) return audit.done(rpc::toGrpc(r.error()));
  *resp->mutable_mount() = std::move(*r);
  return audit.done(grpc::Status::OK);
}

grpc::Status MasterServiceImpl::GetMountTable(grpc::ServerContext* ctx, const proto::GetMountTableRequest*,
                                              proto::GetMountTableResponse* resp) {
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  uint64_t version = 0;
  for (auto& m : fs_.mountTable(&version)) *resp->add_mounts() = std::move(m);
  resp->set_version(version);
  return grpc::Status::OK;
}

grpc::Status MasterServiceImpl::GetMasterInfo(grpc::ServerContext*, const proto::GetMasterInfoRequest* req,
                                              proto::GetMasterInfoResponse* resp) {
  resp->set_version(kShoalVersion);
  resp->set_rpc_address(rpc_address_);
  resp->set_inode_count(fs_.inodeCount());
  resp->set_journal_sequence(fs_.journalSequence());
  resp->set_start_time_ms(start_time_ms_);
  resp->set_unholdable_store_names(fs_.unholdableStoreNames());
  if (req->digest()) {
    auto digest = fs_.namespaceDigest();
    if (!digest) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "GetMasterInfo: a namespace digest is already being computed; ask again when it is done");
    }
    resp->set_namespace_digest(*digest);
  }
  if (!raft_) {
    resp->set_role("local");
    resp->set_leader_rpc_address(rpc_address_);
    return grpc::Status::OK;
  }
  RaftState s = raft_->state();
  resp->set_journal_address(raft_->journalAddress());
  resp->set_role(s.role);
  resp->set_leader_rpc_address(s.leader_rpc_address);
  resp->set_leader_journal_address(s.leader_address);
  resp->set_term(s.term);
  resp->set_last_index(s.last_index);
  resp->set_commit_index(s.commit_index);
  resp->set_applied_index(s.applied_index);
  resp->set_config_error(s.config_error);
  for (const auto& m : s.members) {
    auto* out = resp->add_members();
    out->set_address(m.address);
    out->set_voter(m.voter);
    out->set_match_index(m.match_index);
  }
  return grpc::Status::OK;
}

namespace {
grpc::Status noQuorum() {
  return rpc::toGrpc(Status(StatusCode::kFailedPrecondition,
                            "this master runs the single-master local journal: there is no quorum to administer "
                            "(set shoal.master.embedded.journal.addresses to run a Raft group)"));
}
}  // namespace

grpc::Status MasterServiceImpl::TransferLeader(grpc::ServerContext* ctx, const proto::TransferLeaderRequest* req,
                                               proto::TransferLeaderResponse* resp) {
  if (!raft_) return noQuorum();
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  Status st = raft_->transferLeader(req->address());
  if (!st) return rpc::toGrpc(st.withContext("transferLeader"));
  resp->set_leader_rpc_address(raft_->leaderRpcAddress());
  return grpc::Status::OK;
}

grpc::Status MasterServiceImpl::ChangeQuorum(grpc::ServerContext* ctx, const proto::ChangeQuorumRequest* req,
                                             proto::ChangeQuorumResponse*) {
  if (!raft_) return noQuorum();
  SHOAL_SERVE_ON_LEADER(gate_, ctx);
  Status st = req->add() ? raft_->addMember(req->address()) : raft_->removeMember(req->address());
  return rpc::toGrpc(st.withContext(req->add() ? "quorum add" : "quorum remove"));
}

}  // namespace shoal::master
