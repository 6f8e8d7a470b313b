#include "master/service/journal_submit.h"

#include "master/fs/request_scope.h"
#include "rpc/leader_metadata.h"
#include "rpc/status_convert.h"

namespace shoal::master {

grpc::Status submitForCaller(Journal& journal, grpc::ServerContext& ctx, proto::JournalEntry entry,
                             const std::string& what) {
  RequestScope scope(rpc::requestIdFrom(ctx));
  ApplyResult r = journal.submit(std::move(entry));
  if (!r.status) return rpc::toGrpc(r.status.withContext(what));
  return grpc::Status::OK;
}

}  // namespace shoal::master
