// The digests the S3 gateway needs (OpenSSL's EVP): SHA-256 and HMAC-SHA-256 for Signature V4,
// MD5 for ETags and Content-MD5, incremental so a body is hashed as it streams past. Hex and
// base64 encodings as S3 writes them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace shoal::s3 {

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
// Equal in time independent of where they differ (signature checks).
bool constantTimeEqual(std::string_view a, std::string_view b);
// Random bytes from the system's CSPRNG.
std::string randomBytes(size_t n);

}  // namespace shoal::s3
