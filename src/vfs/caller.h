// The user a front end acts for. Every Shoal call a thread makes while an ActingFor is in scope
// carries that user and group (as names, or numbers for ids with no name), so what it creates is
// that user's, as on a local file system.
#pragma once

#include <cstdint>

#include "common/user_names.h"
#include "rpc/identity.h"

namespace shoal::vfs {

class ActingFor {
 public:
  ActingFor(uint32_t uid, uint32_t gid) : as_(rpc::Identity{userName(uid), groupName(gid)}) {}

 private:
  rpc::ActingAs as_;
};

}  // namespace shoal::vfs
