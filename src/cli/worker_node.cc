#include "cli/worker_node.h"

#include "common/logging.h"
#include "common/property_key.h"

namespace shoal::cli {

WorkerNode::WorkerNode(const Configuration& conf) : conf_(conf), worker_(conf) {}
WorkerNode::~WorkerNode() { stop(); }

Status WorkerNode::start() {
  // The endpoint binds its port before the worker registers: a port it cannot have stops the
  // worker before the master counts it. Its client needs no worker to start.
  if (conf_.getBool(keys::kWorkerS3Enabled)) {
    s3_ = std::make_unique<s3::S3Endpoint>(conf_, "worker-s3");
    Status st = s3_->start(conf_.getString(keys::kWorkerS3BindHost),
                           static_cast<int>(conf_.getInt(keys::kWorkerS3Port)), keys::kWorkerS3Port, worker_.metrics());
    if (!st) return st.withContext("the worker's S3 endpoint");
    logger("s3")->info("S3 endpoint serving on {}", s3_->address());
  }
  return worker_.start();
}

void WorkerNode::stop() {
  if (s3_) s3_->stop();
  worker_.stop();
}

const std::string& WorkerNode::s3Address() const {
  static const std::string none;
  return s3_ ? s3_->address() : none;
}

}  // namespace shoal::cli
