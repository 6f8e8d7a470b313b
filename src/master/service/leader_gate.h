// Only the leader serves: in a Raft group every call but GetMasterInfo is refused on the other
// masters, with NotLeader naming the leader (also in trailing metadata, for clients to follow), so
// no client reads a follower's state or starts a change there. A single master always serves.
#pragma once

#include <grpcpp/grpcpp.h>

#include "master/journal/journal.h"

namespace shoal::master {

class LeaderGate {
 public:
  explicit LeaderGate(const Journal& journal) : journal_(journal) {}
  // OK when this master serves; otherwise the refusal to answer with.
  grpc::Status check(grpc::ServerContextBase* ctx) const;

 private:
  const Journal& journal_;
};

#define SHOAL_SERVE_ON_LEADER(gate, ctx)            \
  do {                                              \
    grpc::Status refused_ = (gate).check(ctx);      \
    if (!refused_.ok()) return refused_;            \
  } while (0)

}  // namespace shoal::master
