#include "s3/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fmt/format.h>
#include <vector>

#include "common/crypto.h"

namespace shoal::s3 {
namespace {

constexpr int64_t kMaxSkewMs = 15 * 60 * 1000;
constexpr int64_t kMaxPresignSeconds = 7 * 24 * 3600;

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  // Sequential spaces inside a value count as one.
  std::string out;
  bool space = false;
  for (char c : s.substr(b, e - b + 1)) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.emplace_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

// 20261203T101500Z -> ms since the epoch; nullopt if malformed.
std::optional<int64_t> parseAmzDate(const std::string& s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  std::tm tm{};
  if (!strptime(s.c_str(), "%Y%m%dT%H%M%SZ", &tm)) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

S3Error malformed(const std::string& why) { return {400, "AuthorizationHeaderMalformed", why}; }

}  // namespace

std::string uriEncode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

SigningKeyLookup signingKeysFrom(std::map<std::string, std::string> secrets) {
  return [secrets = std::move(secrets)](const std::string& access_key, const std::string& date,
                                        const std::string& region) -> Result<std::optional<std::string>> {
    auto it = secrets.find(access_key);
    if (it == secrets.end()) return std::optional<std::string>();
    return std::optional<std::string>(sigV4SigningKey(it->second, date, region, "s3"));
  };
}

AuthResult verifySigV4(const SignedRequest& req, const SigningKeyLookup& keys, int64_t now_ms) {
  AuthResult out;
  auto fail = [&](S3Error e) {
    out.error = std::move(e);
    return out;
  };
  std::string credential, signed_headers, signature, amz_date, payload;
  bool presigned = req.query.count("X-Amz-Signature") > 0;
  int64_t expires_s = 0;
  if (presigned) {
    auto q = [&](const char* k) {
      auto it = req.query.find(k);
      return it == req.query.end() ? std::string() : it->second;
    };
    if (q("X-Amz-Algorithm") != "AWS4-HMAC-SHA256") {
      return fail({400, "AuthorizationQueryParametersError", "X-Amz-Algorithm must be AWS4-HMAC-SHA256"});
    }
    credential = q("X-Amz-Credential");
    signed_headers = q("X-Amz-SignedHeaders");
    signature = q("X-Amz-Signature");
    amz_date = q("X-Amz-Date");
    std::string exp = q("X-Amz-Expires");
    if (exp.empty() || exp.size() > 7 || !std::all_of(exp.begin(), exp.end(), ::isdigit)) {
      return fail({400, "AuthorizationQueryParametersError", "X-Amz-Expires must be a number of seconds"});
    }
    expires_s = std::stoll(exp);
    if (expires_s > kMaxPresignSeconds) {
      return fail({400, "AuthorizationQueryParametersError", "X-Amz-Expires must be at most 604800 seconds"});
    }
    payload = "UNSIGNED-PAYLOAD";
  } else {
    auto auth = req.header("authorization");
    if (!auth) return fail({403, "AccessDenied", "the request is not signed (Signature Version 4 is required)"});
    const std::string prefix = "AWS4-HMAC-SHA256 ";
    if (!auth->starts_with(prefix)) {
      return fail(malformed("only AWS4-HMAC-SHA256 (Signature Version 4) is accepted"));
    }
    for (const std::string& part : split(std::string_view(*auth).substr(prefix.size()), ',')) {
      std::string p = trim(part);
      size_t eq = p.find('=');
      if (eq == std::string::npos) continue;
      std::string k = p.substr(0, eq), v = p.substr(eq + 1);
      if (k == "Credential") credential = v;
      else if (k == "SignedHeaders") signed_headers = v;
      else if (k == "Signature") signature = v;
    }
    amz_date = req.header("x-amz-date").value_or("");
    payload = req.header("x-amz-content-sha256").value_or("");
    if (payload.empty()) return fail({400, "InvalidRequest", "x-amz-content-sha256 must be sent with a signed request"});
    if (payload.starts_with("STREAMING-") && payload != "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" &&
        payload != "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" && payload != "STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
      return fail({501, "NotImplemented", "this streaming payload type is not supported: " + payload.substr(0, 64)});
    }
  }
  if (credential.empty() || signed_headers.empty() || signature.empty()) {
    return fail(malformed("the signature needs Credential, SignedHeaders and Signature"));
  }
  std::vector<std::string> scope = split(credential, '/');
  if (scope.size() != 5 || scope[3] != "s3" || scope[4] != "aws4_request") {
    return fail(malformed("Credential must be ACCESS_KEY/DATE/REGION/s3/aws4_request"));
  }
  auto when = parseAmzDate(amz_date);
  if (!when || amz_date.substr(0, 8) != scope[1]) {
    return fail({403, "AccessDenied", "X-Amz-Date is missing, malformed or not the credential's day"});
  }
  if (presigned) {
    if (now_ms > *when + expires_s * 1000) return fail({403, "AccessDenied", "Request has expired"});
    if (*when > now_ms + kMaxSkewMs) return fail({403, "RequestTimeTooSkewed", "the URL is signed in the future"});
  } else if (std::abs(now_ms - *when) > kMaxSkewMs) {
    return fail({403, "RequestTimeTooSkewed",
                 "The difference between the request time and the server's time is too large (more than 15 minutes)"});
  }
  auto looked_up = keys(scope[0], scope[1], scope[2]);
  if (!looked_up) {
    return fail({503, "ServiceUnavailable", "the access keys cannot be checked now: " + looked_up.error().message()});
  }
  const std::optional<std::string>& key = *looked_up;
  if (!key) {
    return fail({403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."});
  }
  // The canonical request.
  std::string canonical = req.method + "\n" + uriEncode(req.path, true) + "\n";
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& [k, v] : req.query) {
    if (presigned && k == "X-Amz-Signature") continue;
    params.emplace_back(uriEncode(k, false), uriEncode(v, false));
  }
  std::sort(params.begin(), params.end());
  for (size_t i = 0; i < params.size(); ++i) canonical += (i ? "&" : "") + params[i].first + "=" + params[i].second;
  canonical += "\n";
  for (const std::string& name : split(signed_headers, ';')) {
    auto v = req.header(name);
    if (!v) return fail(malformed("signed header '" + name + "' is not in the request"));
    canonical += name + ":" + trim(*v) + "\n";
  }
  canonical += "\n" + signed_headers + "\n" + payload;
  std::string scope_text = scope[1] + "/" + scope[2] + "/s3/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope_text + "\n" + hex(sha256(canonical));
  if (!constantTimeEqual(hex(hmacSha256(*key, to_sign)), signature)) {
    return fail({403, "SignatureDoesNotMatch",
                 "The request signature we calculated does not match the signature you provided. Check your key "
                 "and signing method."});
  }
  const bool streaming = payload.starts_with("STREAMING-");
  out.identity = Identity{scope[0], payload == "UNSIGNED-PAYLOAD" || streaming ? "" : payload, std::nullopt};
  if (streaming) out.identity->chunked = ChunkSigning{payload, *key, amz_date, scope_text, signature};
  return out;
}

}  // namespace shoal::s3
