// WorkerService over gRPC: translation only (ReadPages streams what PageServer emits). Thread-safe.
#pragma once

#include "worker.grpc.pb.h"
#include "worker/page_server.h"

namespace shoal::worker {

class WorkerServiceImpl final : public proto::WorkerService::Service {
 public:
  WorkerServiceImpl(PageServer& pages, PageStore& store) : pages_(pages), store_(store) {}

  grpc::Status ReadPages(grpc::ServerContext* ctx, const proto::ReadRequest* req,
                         grpc::ServerWriter<proto::ReadChunk>* writer) override;
  grpc::Status GetStats(grpc::ServerContext*, const proto::WorkerStatsRequest*, proto::WorkerStatsResponse*) override;
  grpc::Status ListFilePages(grpc::ServerContext*, const proto::FilePagesRequest*, proto::FilePagesResponse*) override;
  grpc::Status FreeFile(grpc::ServerContext*, const proto::FilePagesRequest*, proto::FilePagesResponse*) override;

 private:
  PageServer& pages_;
  PageStore& store_;
};

// Tier usage as reported to the master and by GetStats.
std::vector<proto::TierUsage> tierUsage(const PageStore& store);

}  // namespace shoal::worker
