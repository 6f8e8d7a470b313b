// The client's request id for the call this thread is serving. The RPC layer sets it from the call
// metadata for the length of a handler; FileSystemMaster puts it on the journal entry that carries
// the call out, and answers a retried call from the state machine's memory instead of redoing it.
#pragma once

#include <string>

namespace shoal::master {

class RequestScope {
 public:
  explicit RequestScope(std::string request_id) : saved_(std::move(current_)) { current_ = std::move(request_id); }
  ~RequestScope() { current_ = std::move(saved_); }
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

  static const std::string& current() { return current_; }

 private:
  static inline thread_local std::string current_;
  std::string saved_;
};

}  // namespace shoal::master
