// The client side of a worker's TCP data port (see worker/data_server.h): one request, the reply
// header, then the bytes received straight into the caller's buffer. Connections are kept per
// worker for the next read. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "worker.pb.h"

namespace shoal::stubs {

class DataClient {
 public:
  // A worker silent for `timeout_ms` during a read, or not accepting a connection within
  // `connect_timeout_ms`, counts as unreachable.
  explicit DataClient(int64_t timeout_ms, int64_t connect_timeout_ms = 1000)
      : timeout_ms_(timeout_ms), connect_timeout_ms_(connect_timeout_ms) {}
  ~DataClient();
  DataClient(const DataClient&) = delete;
  DataClient& operator=(const DataClient&) = delete;

  // Reads the request's bytes (its range, or its extents back to back) into `out`. `*unreachable` tells a connection failure
  // (try another worker) from the worker's answer (final).
  Status read(const std::string& data_address, const proto::ReadRequest& req, char* out, bool* unreachable);

 private:
  Result<int> connection(const std::string& address);
  void release(const std::string& address, int conn);

  const int64_t timeout_ms_;
  const int64_t connect_timeout_ms_;
  std::mutex mu_;
  std::map<std::string, std::vector<int>> idle_;  // guarded by mu_
};

}  // namespace shoal::stubs
