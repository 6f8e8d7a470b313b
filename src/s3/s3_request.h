// An S3 request and response as the gateway sees them, apart from the HTTP server that carries
// them: the bucket and key taken from the path (or the Host), the decoded query, the headers, and
// the body read in pieces as it arrives; a response either whole or streamed in pieces.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal::s3 {

// Receives a piece of a body; false stops the transfer.
using Sink = std::function<bool(std::string_view piece)>;

struct S3Request {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string path;    // decoded request path, as signed
  std::string bucket;  // "" for the service (ListBuckets)
  std::string key;     // "" for the bucket itself
  std::string root;    // the bucket's directory, found by the gateway ("" if it has none)
  std::multimap<std::string, std::string> query;
  std::function<std::optional<std::string>(const std::string& lowercase_name)> header;
  std::optional<uint64_t> content_length;
  // The x-amz-meta-* headers: (name after the prefix, lowercase; value).
  std::vector<std::pair<std::string, std::string>> meta;
  // Feeds the body to the sink piece by piece; false if the client went away or the sink stopped.
  std::function<bool(const Sink&)> read_body;

  bool has(const std::string& param) const { return query.count(param) > 0; }
  std::string param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
};

struct S3Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = "application/xml";
  std::string body;
  // A streamed body (GetObject): `stream_length` bytes written by `stream` to its sink.
  std::optional<uint64_t> stream_length;
  std::function<bool(const Sink&)> stream;
};

}  // namespace shoal::s3
