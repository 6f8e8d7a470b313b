// Signed HTTP requests to one S3 bucket over libcurl: SigV4 by curl itself (CURLOPT_AWS_SIGV4,
// no hand-written signer), a pool of curl handles so connections are reused and any number of
// threads send at once, and retries with jittered exponential backoff on transport errors, 5xx
// and throttling (never on 4xx, which a retry cannot fix). Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace shoal::ufs {

struct S3Config {
  std::string uri;       // s3://bucket/prefix, for messages
  std::string bucket;
  std::string endpoint;  // scheme://host[:port]
  std::string region;
  std::string access_key;
  std::string secret_key;
  bool path_style = true;  // endpoint/bucket/key; false: bucket.host/key
  int max_retries = 4;
  std::chrono::milliseconds connect_timeout{5000};
  // A transfer that moves no byte for this long is abandoned (a stalled store, not a slow one).
  std::chrono::milliseconds stall_timeout{30000};
};

struct S3Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string key = {};        // object key, unencoded; "" = the bucket
  std::vector<std::pair<std::string, std::string>> query = {};  // unencoded; sorted and encoded when sent
  std::vector<std::string> headers = {};                        // "Name: value"
  std::span<const char> body = {};
  // GET: a successful response's body goes here (up to its size) instead of S3Response::body.
  std::span<char> into = {};
  bool use_into = false;
  // A request that must not run twice (initiate and complete a multipart upload) is retried only
  // on an answer that says it was not carried out (503 SlowDown, 429); never after a transport
  // error or a 500, when the store may have done it.
  bool idempotent = true;
};

struct S3Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // error bodies and XML results
  size_t received = 0;                         // bytes written to S3Request::into
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class S3Client {
 public:
  explicit S3Client(S3Config config);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // The response for any HTTP status once retries are spent; an error only when no response came
  // (Unavailable, naming the endpoint).
  Result<S3Response> send(const S3Request& request);
  const S3Config& config() const { return config_; }

  // RFC 3986 encoding as SigV4 wants it; '/' kept when `keep_slash`.
  static std::string encode(std::string_view text, bool keep_slash);

 private:
  void* acquire();
  void release(void* handle);
  std::string url(const S3Request& request) const;
  Result<S3Response> sendOnce(void* handle, const S3Request& request, bool& retryable);

  const S3Config config_;
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL* handles; guarded by mu_
};

// The error a response stands for, naming `where`: NotFound, PermissionDenied (with the hint to
// check the keys), AlreadyExists, ... with S3's own code and message.
Status s3Error(const S3Response& response, const std::string& where);

}  // namespace shoal::ufs
