// The worker's TCP data port: cached pages leave the page files by sendfile(), so a remote read
// costs the kernel's copies only — no user-space copy, no protobuf, no HTTP/2 framing (the gRPC
// stream costs four extra copies per page and reaches about a third of raw TCP here). The protocol
// is length-prefixed protobuf: a ReadRequest, then a DataReplyHeader, then `length` raw bytes.
// Connections stay open for the next request.
#pragma once

#include "worker/page_server.h"
#include "worker/socket_server.h"

namespace shoal::worker {

class DataServer final : public SocketServer {
 public:
  explicit DataServer(PageServer& pages) : pages_(pages) {}
  ~DataServer() override { stop(); }

 private:
  void serve(int conn) override;
  void refuse(int conn, const Status& why) override;

  PageServer& pages_;
};

}  // namespace shoal::worker
