#include "s3/s3_format.h"

#include <chrono>
#include <ctime>
#include <fmt/format.h>

#include "common/crypto.h"

namespace shoal::s3 {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso8601(int64_t ms) {
  std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, static_cast<int>(ms % 1000));
}

std::string httpDate(int64_t ms) {
  std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::optional<int64_t> parseHttpDate(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::string encodeToken(const std::string& key, const std::string& secret) {
  std::string mac = hmacSha256(secret, key).substr(0, 16);
  std::string t = base64(mac + key);
  // URL-safe, so the token survives a query string untouched.
  for (char& c : t) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return t;
}

std::optional<std::string> decodeToken(const std::string& token, const std::string& secret) {
  std::string t = token;
  for (char& c : t) c = c == '-' ? '+' : c == '_' ? '/' : c;
  std::string raw = unbase64(t);
  if (raw.size() < 16) return std::nullopt;
  std::string key = raw.substr(16);
  if (!constantTimeEqual(raw.substr(0, 16), hmacSha256(secret, key).substr(0, 16))) return std::nullopt;
  return key;
}

}  // namespace shoal::s3
