// Bounds of the RPC contract that both sides must agree on: the server refuses more, the client
// splits its work to fit. Constants only.
#pragma once

namespace shoal::rpc {

// Paths in one GetStatusBatch call: enough to fill a directory's dentries in one round trip, small
// enough that one call is bounded work (and lock time) at the master.
inline constexpr int kMaxBatchPaths = 4096;

// Files in one worker CachedBytes call (the browse page asks for one page of a listing at a time).
inline constexpr int kMaxCachedBytesFiles = 1000;

}  // namespace shoal::rpc
