// Length-prefixed messages over a Unix domain socket, optionally carrying one file descriptor
// (SCM_RIGHTS): how a worker hands a cached page file to a client on the same host.
#pragma once

#include <string>

#include "common/status.h"

namespace shoal {

// Sends [u32 length][bytes] and, when fd >= 0, the descriptor with it.
Status sendMessage(int sock, const std::string& bytes, int fd = -1);
// Receives one message; *fd is the passed descriptor or -1. Messages over max_bytes are refused.
Status recvMessage(int sock, std::string* bytes, int* fd, size_t max_bytes = 1 << 20);

}  // namespace shoal
