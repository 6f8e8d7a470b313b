// `shoal worker`: the worker and, with shoal.worker.s3.enabled, an S3 endpoint beside it in the
// same process, so that a client can send an S3 request to the worker that holds the data and
// skip the gateway's hop (the endpoint's client reads this worker's pages through its
// short-circuit socket). Composed here because the worker library does not link the client.
#pragma once

#include <memory>
#include <string>

#include "common/configuration.h"
#include "common/status.h"
#include "s3/s3_endpoint.h"
#include "worker/worker_process.h"

namespace shoal::cli {

class WorkerNode {
 public:
  explicit WorkerNode(const Configuration& conf);
  ~WorkerNode();

  Status start();
  void stop();
  const std::string& address() const { return worker_.address(); }
  const std::string& webAddress() const { return worker_.webAddress(); }
  // "host:port" of the S3 endpoint, "" without shoal.worker.s3.enabled.
  const std::string& s3Address() const;

 private:
  Configuration conf_;
  worker::WorkerProcess worker_;
  std::unique_ptr<s3::S3Endpoint> s3_;
};

}  // namespace shoal::cli
