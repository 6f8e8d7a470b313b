// The additional checksums S3 clients send with a body (x-amz-checksum-crc32, -crc32c, -sha1,
// -sha256, as a header or an aws-chunked trailer): computed as the body streams, compared to the
// client's base64 value.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace shoal::s3 {

class Checksum {
 public:
  // From the header or trailer name ("x-amz-checksum-crc32c"); null for an algorithm it does not
  // know.
  static std::unique_ptr<Checksum> forHeader(std::string_view name);
  virtual ~Checksum() = default;
  virtual void update(std::string_view data) = 0;
  // The checksum in the client's encoding: base64 of the big-endian value or the digest.
  virtual std::string base64Value() = 0;
};

// The CRC-32 of zlib (and of S3's CRC32) and the CRC-32C of iSCSI (S3's CRC32C), continued from `crc`.
uint32_t crc32(uint32_t crc, std::string_view data);
uint32_t crc32c(uint32_t crc, std::string_view data);

}  // namespace shoal::s3
