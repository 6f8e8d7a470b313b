// An S3 error as clients expect it: the HTTP status, S3's error code (NoSuchKey, AccessDenied,
// SignatureDoesNotMatch, ...) and a message naming the cause, sent as S3's XML error document.
#pragma once

#include <string>

#include "common/status.h"

namespace shoal::s3 {

struct S3Error {
  int http = 500;
  std::string code = "InternalError";
  std::string message;
};

// The error document for `resource` (the request's path).
std::string errorXml(const S3Error& e, const std::string& resource, const std::string& request_id);
// A Shoal error as S3 sees it: NotFound -> `not_found_code` (NoSuchKey, NoSuchBucket), permission
// -> AccessDenied, Unavailable -> ServiceUnavailable, bad input -> InvalidArgument, ...
S3Error fromStatus(const Status& st, const std::string& not_found_code = "NoSuchKey");
// XML text escaping (&, <, >, ", ').
std::string xmlEscape(std::string_view text);

}  // namespace shoal::s3
