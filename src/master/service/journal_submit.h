// Journals an administrative change (an S3 key, a bucket binding) for the caller of an RPC.
#pragma once

#include <grpcpp/grpcpp.h>
#include <string>

#include "journal.pb.h"
#include "master/journal/journal.h"

namespace shoal::master {

// Submits `entry` under the call's request id, so a call retried across a leader change is applied
// once; a refusal comes back with `what` ("add S3 key K") as its context.
grpc::Status submitForCaller(Journal& journal, grpc::ServerContext& ctx, proto::JournalEntry entry,
                             const std::string& what);

}  // namespace shoal::master
