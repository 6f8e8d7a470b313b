// The digests Signature V4 and S3 need (OpenSSL's EVP), for the S3 gateway and for the master that
// keeps its access keys: SHA-256 and HMAC-SHA-256, MD5 for ETags and Content-MD5, incremental so a
// body is hashed as it streams past. Hex and base64 encodings as S3 writes them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace shoal {

// An incremental digest: "sha256" or "md5".
class Digest {
 public:
  explicit Digest(const char* algorithm);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  void update(std::string_view data);
  // The raw digest; the object cannot be updated afterwards.
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256(std::string_view data);
std::string hmacSha256(std::string_view key, std::string_view data);
std::string hex(std::string_view raw);
std::string base64(std::string_view raw);
// Decodes standard base64; "" on bad input.
std::string unbase64(std::string_view text);
// Signature V4's signing key: the HMAC chain of "AWS4" + secret over date (YYYYMMDD), region,
// service and "aws4_request". Valid for that day, region and service only.
std::string sigV4SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                            std::string_view service);
// Equal in time independent of where they differ (signature checks).
bool constantTimeEqual(std::string_view a, std::string_view b);
// Random bytes from the system's CSPRNG.
std::string randomBytes(size_t n);

}  // namespace shoal
