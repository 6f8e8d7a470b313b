#include "s3/checksum.h"

#include <array>

#include "common/crypto.h"

namespace shoal::s3 {
namespace {

// A byte-at-a-time table for a reflected CRC-32 polynomial.
constexpr std::array<uint32_t, 256> table(uint32_t poly) {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kCrc32 = table(0xEDB88320u);
constexpr auto kCrc32c = table(0x82F63B78u);

uint32_t crc(const std::array<uint32_t, 256>& t, uint32_t c, std::string_view data) {
  c = ~c;
  for (unsigned char b : data) c = t[(c ^ b) & 0xff] ^ (c >> 8);
  return ~c;
}

class Crc final : public Checksum {
 public:
  explicit Crc(bool castagnoli) : castagnoli_(castagnoli) {}
  void update(std::string_view data) override { value_ = castagnoli_ ? crc32c(value_, data) : crc32(value_, data); }
  std::string base64Value() override {
    char be[4] = {static_cast<char>(value_ >> 24), static_cast<char>(value_ >> 16), static_cast<char>(value_ >> 8),
                  static_cast<char>(value_)};
    return base64(std::string_view(be, 4));
  }

 private:
  bool castagnoli_;
  uint32_t value_ = 0;
};

class Sha final : public Checksum {
 public:
  explicit Sha(const char* algorithm) : digest_(algorithm) {}
  void update(std::string_view data) override { digest_.update(data); }
  std::string base64Value() override { return base64(digest_.finish()); }

 private:
  Digest digest_;
};

}  // namespace

uint32_t crc32(uint32_t c, std::string_view data) { return crc(kCrc32, c, data); }
uint32_t crc32c(uint32_t c, std::string_view data) { return crc(kCrc32c, c, data); }

std::unique_ptr<Checksum> Checksum::forHeader(std::string_view name) {
  if (name == "x-amz-checksum-crc32") return std::make_unique<Crc>(false);
  if (name == "x-amz-checksum-crc32c") return std::make_unique<Crc>(true);
  if (name == "x-amz-checksum-sha1") return std::make_unique<Sha>("sha1");
  if (name == "x-amz-checksum-sha256") return std::make_unique<Sha>("sha256");
  return nullptr;
}

}  // namespace shoal::s3
