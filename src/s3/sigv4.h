// Signature Version 4 as an S3 server checks it: the Authorization header (AWS4-HMAC-SHA256
// Credential=..., SignedHeaders=..., Signature=...) or a presigned URL's X-Amz-* query, the
// request's time within 15 minutes of ours (a presigned URL: before its expiry), and the
// signature recomputed from the canonical request with the secret of the access key. The body's
// SHA-256, when the client signed one, is checked by the caller as the body streams (see
// payload_sha256). Pure functions over the request's parts.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/status.h"
#include "s3/s3_error.h"

namespace shoal::s3 {

struct SignedRequest {
  std::string method;
  std::string path;                               // decoded, as the key is named
  std::multimap<std::string, std::string> query;  // decoded
  std::function<std::optional<std::string>(const std::string& lowercase_name)> header;
};

// What an aws-chunked body's chunk and trailer signatures are checked with: each chunk is signed
// with the key of the request's scope, chained from the request's own (seed) signature.
struct ChunkSigning {
  std::string payload;      // the x-amz-content-sha256 value: STREAMING-...
  std::string signing_key;  // the derived SigV4 key
  std::string amz_date;
  std::string scope;        // DATE/REGION/s3/aws4_request
  std::string seed_signature;
  bool signed_chunks() const { return payload.starts_with("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"); }
  bool trailer() const { return payload.ends_with("-TRAILER"); }
};

struct Identity {
  std::string access_key;
  // The hex SHA-256 the client signed for the body; "" when unsigned (UNSIGNED-PAYLOAD, presigned,
  // aws-chunked).
  std::string payload_sha256;
  // Set for an aws-chunked body (x-amz-content-sha256: STREAMING-...): the body must be decoded.
  std::optional<ChunkSigning> chunked;
};

// The Signature V4 signing key of an access key for a day (YYYYMMDD) and region, if it is a key
// the gateway knows: a day's key is all a check needs, so secrets can stay with whoever keeps them
// (the master). An error (the keeper cannot be reached) fails the request as ServiceUnavailable.
using SigningKeyLookup = std::function<Result<std::optional<std::string>>(
    const std::string& access_key, const std::string& date, const std::string& region)>;
// A lookup over a table of secrets by access key (the keys file).
SigningKeyLookup signingKeysFrom(std::map<std::string, std::string> secrets);

// The caller's identity, or the S3 error: AccessDenied (no signature), InvalidAccessKeyId,
// SignatureDoesNotMatch, RequestTimeTooSkewed, AccessDenied "Request has expired",
// AuthorizationHeaderMalformed, NotImplemented (a streaming payload type other than the signed
// and unsigned aws-chunked ones).
struct AuthResult {
  std::optional<Identity> identity;
  S3Error error;
};
AuthResult verifySigV4(const SignedRequest& req, const SigningKeyLookup& keys, int64_t now_ms);

// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, '/' too when `keep_slash`.
std::string uriEncode(std::string_view text, bool keep_slash);

}  // namespace shoal::s3
