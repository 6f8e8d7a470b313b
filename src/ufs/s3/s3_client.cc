#include "ufs/s3/s3_client.h"

#include <algorithm>
#include <cstring>
#include <curl/curl.h>
#include <fmt/format.h>
#include <random>
#include <thread>

#include "ufs/s3/s3_xml.h"

namespace shoal::ufs {
namespace {

struct Transfer {
  const S3Request* request;
  S3Response* response;
  CURL* curl;
};

size_t onBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->request->use_into && status >= 200 && status < 300) {
    // The caller's buffer: a positional read lands where it belongs with no extra copy.
    std::span<char> into = t->request->into;
    size_t room = into.size() - std::min(into.size(), t->response->received);
    size_t take = std::min(room, len);
    std::memcpy(into.data() + t->response->received, data, take);
    t->response->received += take;
    return len;
  }
  t->response->body.append(data, len);
  return len;
}

size_t onHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    t->response->headers[name] = std::string(value);
  }
  return size * n;
}

void globalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool retryableStatus(long status) { return status == 429 || status >= 500; }

}  // namespace

S3Client::S3Client(S3Config config) : config_(std::move(config)) { globalInit(); }

S3Client::~S3Client() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* S3Client::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void S3Client::release(void* handle) {
  std::lock_guard lock(mu_);
  // An idle handle keeps its connection open for the next request; a burst's extras are kept too,
  // up to a bound, so the next burst does not reconnect.
  if (idle_.size() < 64) {
    idle_.push_back(handle);
    return;
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

std::string S3Client::encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string S3Client::url(const S3Request& request) const {
  std::string out;
  if (config_.path_style) {
    out = config_.endpoint + "/" + config_.bucket;
  } else {
    size_t scheme = config_.endpoint.find("://");
    out = config_.endpoint.substr(0, scheme + 3) + config_.bucket + "." + config_.endpoint.substr(scheme + 3);
  }
  out += "/" + encode(request.key, true);
  // SigV4 (as curl computes it) wants the query sorted, encoded, and `=` after every name.
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [k, v] : request.query) query.emplace_back(encode(k, false), encode(v, false));
  std::sort(query.begin(), query.end());
  for (size_t i = 0; i < query.size(); ++i) out += (i ? "&" : "?") + query[i].first + "=" + query[i].second;
  return out;
}

Result<S3Response> S3Client::sendOnce(void* handle, const S3Request& request, bool& retryable) {
  CURL* curl = static_cast<CURL*>(handle);
  curl_easy_reset(curl);  // keeps the handle's live connection
  S3Response response;
  Transfer t{&request, &response, curl};
  std::string target = url(request);
  std::string sigv4 = "aws:amz:" + config_.region + ":s3";
  curl_easy_setopt(curl, CURLOPT_URL, target.c_str());
  curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(curl, CURLOPT_USERNAME, config_.access_key.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.secret_key.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, std::max<long>(1, config_.stall_timeout.count() / 1000));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  struct curl_slist* headers = nullptr;
  // curl's signer needs the payload hash as a header; RGW and AWS accept the unsigned form.
  headers = curl_slist_append(headers, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "PUT" || request.method == "POST") {
      headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
    }
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    retryable = true;
    return makeError(Status(StatusCode::kUnavailable,
                            fmt::format("{}: cannot reach the S3 endpoint {}: {}", config_.uri, config_.endpoint,
                                        curl_easy_strerror(rc))));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  retryable = retryableStatus(response.status);
  return response;
}

Result<S3Response> S3Client::send(const S3Request& request) {
  thread_local std::mt19937 rng{std::random_device{}()};
  Result<S3Response> last = makeError(Status(StatusCode::kInternal, "no attempt"));
  for (int attempt = 0;; ++attempt) {
    void* handle = acquire();
    if (!handle) return makeError(Status(StatusCode::kInternal, "curl_easy_init failed"));
    bool retryable = false;
    last = sendOnce(handle, request, retryable);
    release(handle);
    if (!request.idempotent && (!last || (last->status != 503 && last->status != 429))) retryable = false;
    if (!retryable || attempt >= config_.max_retries) return last;
    // Full jitter over an exponential cap: retries of many threads do not arrive in step.
    int64_t cap_ms = std::min<int64_t>(2000, 50LL << attempt);
    std::uniform_int_distribution<int64_t> pick(cap_ms / 2, cap_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(pick(rng)));
  }
}

Status s3Error(const S3Response& response, const std::string& where) {
  auto [code, message] = parseS3Error(response.body);
  std::string detail = code.empty() ? fmt::format("HTTP {}", response.status)
                                    : fmt::format("{} (HTTP {}{}{})", code, response.status,
                                                  message.empty() ? "" : ": ", message);
  if (code == "NoSuchBucket") return Status(StatusCode::kNotFound, where + ": the bucket does not exist: " + detail);
  if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || response.status == 403) {
    return Status(StatusCode::kPermissionDenied,
                  where + ": access denied (check s3.access.key and s3.secret.key): " + detail);
  }
  if (response.status == 404) return Status(StatusCode::kNotFound, where + ": no such file or directory");
  if (response.status == 409 || response.status == 412) return Status(StatusCode::kAlreadyExists, where + ": " + detail);
  if (response.status == 400) return Status(StatusCode::kInvalidArgument, where + ": " + detail);
  if (response.status >= 500 || response.status == 429) return Status(StatusCode::kUnavailable, where + ": " + detail);
  return Status(StatusCode::kIoError, where + ": " + detail);
}

}  // namespace shoal::ufs
