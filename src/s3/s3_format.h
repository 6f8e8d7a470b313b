// Times and tokens as S3 writes them: ISO 8601 in listings, HTTP dates in headers (and parsed
// back from conditional headers), continuation tokens that carry a key and a MAC over it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace shoal::s3 {

// Now, in ms since the epoch (the wall clock: S3 times are wall-clock times).
int64_t nowMs();
std::string iso8601(int64_t ms);                     // 2026-12-03T10:15:00.000Z
std::string httpDate(int64_t ms);                    // Thu, 03 Dec 2026 10:15:00 GMT
std::optional<int64_t> parseHttpDate(const std::string& text);
// An opaque token naming `key`, signed with `secret`; decodeToken gives the key back only for a
// token this secret made.
std::string encodeToken(const std::string& key, const std::string& secret);
std::optional<std::string> decodeToken(const std::string& token, const std::string& secret);

}  // namespace shoal::s3
