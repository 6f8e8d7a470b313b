// MasterService over gRPC: translation only. Each handler serves only on the leader (LeaderGate),
// reads the caller's identity and request id from the call metadata, forwards to FileSystemMaster
// (or, for quorum administration, to the Raft journal), and converts the result. Thread-safe.
#pragma once

#include "common/audit_log.h"
#include "master.grpc.pb.h"
#include "master/fs/file_system_master.h"
#include "master/journal/raft_journal.h"
#include "master/service/leader_gate.h"

namespace shoal::master {

class MasterServiceImpl final : public proto::MasterService::Service {
 public:
  // `raft` is null on a single master.
  // `audit` (may be null) gets a record of every namespace call.
  MasterServiceImpl(FileSystemMaster& fs, const Journal& journal, RaftJournal* raft, std::string rpc_address,
                    int64_t start_time_ms, AuditLog* audit = nullptr)
      : fs_(fs), gate_(journal), raft_(raft), rpc_address_(std::move(rpc_address)), start_time_ms_(start_time_ms),
        audit_(audit) {}

  grpc::Status GetStatus(grpc::ServerContext*, const proto::GetStatusRequest*, proto::GetStatusResponse*) override;
  grpc::Status GetStatusBatch(grpc::ServerContext*, const proto::GetStatusBatchRequest*,
                              proto::GetStatusBatchResponse*) override;
  grpc::Status ListStatus(grpc::ServerContext*, const proto::ListStatusRequest*, proto::ListStatusResponse*) override;
  grpc::Status CreateDirectory(grpc::ServerContext*, const proto::CreateDirectoryRequest*,
                               proto::CreateDirectoryResponse*) override;
  grpc::Status CreateFile(grpc::ServerContext*, const proto::CreateFileRequest*, proto::CreateFileResponse*) override;
  grpc::Status CompleteFile(grpc::ServerContext*, const proto::CompleteFileRequest*,
                            proto::CompleteFileResponse*) override;
  grpc::Status Delete(grpc::ServerContext*, const proto::DeleteRequest*, proto::DeleteResponse*) override;
  grpc::Status Rename(grpc::ServerContext*, const proto::RenameRequest*, proto::RenameResponse*) override;
  grpc::Status SetAttribute(grpc::ServerContext*, const proto::SetAttributeRequest*,
                            proto::SetAttributeResponse*) override;
  grpc::Status SetXattr(grpc::ServerContext*, const proto::SetXattrRequest*, proto::SetXattrResponse*) override;
  grpc::Status GetXattrs(grpc::ServerContext*, const proto::GetXattrsRequest*, proto::GetXattrsResponse*) override;
  grpc::Status Mount(grpc::ServerContext*, const proto::MountRequest*, proto::MountResponse*) override;
  grpc::Status UpdateMount(grpc::ServerContext*, const proto::UpdateMountRequest*, proto::UpdateMountResponse*) override;
  grpc::Status Unmount(grpc::ServerContext*, const proto::UnmountRequest*, proto::UnmountResponse*) override;
  grpc::Status GetMountTable(grpc::ServerContext*, const proto::GetMountTableRequest*,
                             proto::GetMountTableResponse*) override;
  grpc::Status GetMasterInfo(grpc::ServerContext*, const proto::GetMasterInfoRequest*,
                             proto::GetMasterInfoResponse*) override;
  grpc::Status TransferLeader(grpc::ServerContext*, const proto::TransferLeaderRequest*,
                              proto::TransferLeaderResponse*) override;
  grpc::Status ChangeQuorum(grpc::ServerContext*, const proto::ChangeQuorumRequest*,
                            proto::ChangeQuorumResponse*) override;

 private:
  FileSystemMaster& fs_;
  LeaderGate gate_;
  RaftJournal* raft_;
  std::string rpc_address_;
  int64_t start_time_ms_;
  AuditLog* audit_;
};

}  // namespace shoal::master
