// The few S3 XML documents Shoal reads and writes (pugixml). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace shoal::ufs {

struct S3Object {
  std::string key;
  uint64_t size = 0;
  int64_t mtime_ms = 0;  // whole seconds: HEAD's Last-Modified has no finer resolution
  std::string etag;
};

struct S3ListPage {
  std::vector<S3Object> objects;
  std::vector<std::string> prefixes;  // common prefixes ("directories"), with the trailing '/'
  bool truncated = false;
  std::string next_token;
};

Result<S3ListPage> parseListObjectsV2(const std::string& xml);
// <Error><Code>..</Code><Message>..</Message></Error>; empty strings when the body is not one.
std::pair<std::string, std::string> parseS3Error(const std::string& xml);
Result<std::string> parseUploadId(const std::string& xml);
std::string completeMultipartXml(const std::vector<std::string>& part_etags);

// "2026-11-22T19:21:13.123Z" (listings) and "Sun, 22 Nov 2026 19:21:13 GMT" (headers), both
// to milliseconds since the epoch truncated to whole seconds, so the two agree. 0 when unparsable.
int64_t parseIsoTimeMs(const std::string& text);
int64_t parseHttpTimeMs(const std::string& text);

}  // namespace shoal::ufs
