// What every edge of a worker (gRPC ReadPages and WritePages, the TCP data port, the short-circuit
// socket) checks before a peer's request goes any further: the peer is untrusted, so a path that
// is not in normal form (a "..", an empty component, a control character) is refused with
// InvalidArgument here and never reaches the mount resolution or a store. Pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "worker.pb.h"

namespace shoal::worker {

// The largest file offset a request may name: 2^56 bytes (64 PiB), far above any store's limit and
// low enough that no page index times page size, or offset plus length, can overflow.
inline constexpr uint64_t kMaxFileBytes = uint64_t{1} << 56;

// The most extents one batched read may name: bounds the work (and the reply) of one request.
inline constexpr int kMaxReadExtents = 4096;

// `edge` names the port in the message ("data port", "ReadPages", "short-circuit"). Extents must
// lie within the file, in order, without overlap, none empty; they replace offset and length.
Status checkReadRequest(const proto::ReadRequest& req, std::string_view edge);
// The page `index` of a file written in pages of `page_size` bytes starts below kMaxFileBytes.
Status checkPageIndex(uint64_t index, uint64_t page_size, std::string_view edge);

}  // namespace shoal::worker
