// Length-prefixed messages over a Unix domain socket, optionally carrying file descriptors
// (SCM_RIGHTS): how a worker hands cached page files to a client on the same host.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/status.h"

namespace shoal {

// Most descriptors one message carries.
inline constexpr size_t kMaxPassedFds = 64;

// Sends [u32 length][bytes] and the descriptors (at most kMaxPassedFds) with it.
Status sendMessage(int sock, const std::string& bytes, std::span<const int> fds = {});
// Receives one message and the descriptors passed with it (the caller owns them). Messages over
// max_bytes are refused.
Status recvMessage(int sock, std::string* bytes, std::vector<int>* fds, size_t max_bytes = 1 << 20);

}  // namespace shoal
