// WorkerService over gRPC: translation only (ReadPages streams what PageServer emits). Thread-safe.
#pragma once

#include "worker.grpc.pb.h"
#include "worker/page_ingest.h"
#include "worker/page_server.h"

namespace shoal::worker {

class WorkerServiceImpl final : public proto::WorkerService::Service {
 public:
  WorkerServiceImpl(PageServer& pages, PageStore& store, PageIngest& ingest)
      : pages_(pages), store_(store), ingest_(ingest) {}

  grpc::Status ReadPages(grpc::ServerContext* ctx, const proto::ReadRequest* req,
                         grpc::ServerWriter<proto::ReadChunk>* writer) override;
  grpc::Status WritePages(grpc::ServerContext* ctx, grpc::ServerReader<proto::WritePagesRequest>* reader,
                          proto::WritePagesResponse* resp) override;
  grpc::Status GetStats(grpc::ServerContext*, const proto::WorkerStatsRequest*, proto::WorkerStatsResponse*) override;
  grpc::Status ListFilePages(grpc::ServerContext*, const proto::FilePagesRequest*, proto::FilePagesResponse*) override;
  grpc::Status FreeFile(grpc::ServerContext*, const proto::FilePagesRequest*, proto::FilePagesResponse*) override;
  grpc::Status CachedBytes(grpc::ServerContext*, const proto::CachedBytesRequest*, proto::CachedBytesResponse*) override;

 private:
  PageServer& pages_;
  PageStore& store_;
  PageIngest& ingest_;
};

// Tier usage as reported to the master and by GetStats.
std::vector<proto::TierUsage> tierUsage(const PageStore& store);

}  // namespace shoal::worker
