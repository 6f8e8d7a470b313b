#include "s3/aws_chunked.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "s3/checksum.h"
#include "common/crypto.h"

namespace shoal::s3 {
namespace {

ChunkSigning signing(const std::string& payload) {
  return ChunkSigning{payload, hmacSha256("a signing key", "for tests"), "20261204T120000Z",
                      "20261204/us-east-1/s3/aws4_request", std::string(64, 'a')};
}

// An aws-chunked body as the AWS documentation frames it, with chunks of `chunk` bytes, chunk
// signatures chained from the seed when the payload type is signed, and an optional trailer.
std::string encode(const ChunkSigning& s, const std::string& data, size_t chunk, const std::string& trailer_name = "",
                   const std::string& trailer_value = "") {
  std::string out, prev = s.seed_signature;
  auto sign = [&](std::string_view piece) {
    std::string to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n" + s.amz_date + "\n" + s.scope + "\n" + prev + "\n" +
                          hex(sha256("")) + "\n" + hex(sha256(piece));
    prev = hex(hmacSha256(s.signing_key, to_sign));
    return ";chunk-signature=" + prev;
  };
  for (size_t at = 0;; at += chunk) {
    std::string_view piece = std::string_view(data).substr(std::min(at, data.size()), chunk);
    out += fmt::format("{:x}", piece.size()) + (s.signed_chunks() ? sign(piece) : "") + "\r\n";
    if (piece.empty()) break;
    out += std::string(piece) + "\r\n";
  }
  if (!s.trailer()) return out + "\r\n";
  std::string text;
  if (!trailer_name.empty()) {
    text = trailer_name + ":" + trailer_value + "\n";
    out += trailer_name + ":" + trailer_value + "\r\n";
  }
  if (s.signed_chunks()) {
    std::string to_sign = "AWS4-HMAC-SHA256-TRAILER\n" + s.amz_date + "\n" + s.scope + "\n" + prev + "\n" + hex(sha256(text));
    out += "x-amz-trailer-signature:" + hex(hmacSha256(s.signing_key, to_sign)) + "\r\n";
  }
  return out + "\r\n";
}

std::string crc32Of(const std::string& data) {
  auto c = Checksum::forHeader("x-amz-checksum-crc32");
  c->update(data);
  return c->base64Value();
}

struct Decoded {
  bool ok;
  bool done;
  std::string data;
  std::optional<S3Error> error;
};

// Feeds `encoded` in pieces of `step` bytes.
Decoded decode(const ChunkSigning& s, const std::string& encoded, size_t step, const std::string& trailer = "") {
  ChunkedDecoder d(s, trailer);
  Decoded r{true, false, "", std::nullopt};
  for (size_t at = 0; at < encoded.size() && r.ok; at += step) {
    r.ok = d.feed(std::string_view(encoded).substr(at, step), [&](std::string_view p) {
      r.data += p;
      return true;
    });
  }
  r.done = d.done();
  r.error = d.error();
  return r;
}

std::string bytes(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

TEST(Checksum, StandardCheckValues) {
  EXPECT_EQ(crc32(0, "123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32c(0, "123456789"), 0xE3069283u);
  // Continued over pieces equals over the whole.
  EXPECT_EQ(crc32c(crc32c(0, "1234"), "56789"), 0xE3069283u);
  auto sha1 = Checksum::forHeader("x-amz-checksum-sha1");
  sha1->update("abc");
  EXPECT_EQ(sha1->base64Value(), "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
  EXPECT_EQ(Checksum::forHeader("x-amz-checksum-md4"), nullptr);
}

TEST(ChunkedDecoder, SignedChunksDecodeToTheDataWhateverThePieces) {
  auto s = signing("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  std::string data = bytes(200000);
  std::string body = encode(s, data, 65536);
  for (size_t step : {size_t{1}, size_t{7}, size_t{65536}, body.size()}) {
    Decoded d = decode(s, body, step);
    ASSERT_TRUE(d.ok) << step << " " << (d.error ? d.error->message : "");
    EXPECT_TRUE(d.done);
    EXPECT_EQ(d.data, data);
  }
  Decoded empty = decode(s, encode(s, "", 65536), 3);
  EXPECT_TRUE(empty.ok && empty.done && empty.data.empty());
}

TEST(ChunkedDecoder, ATamperedOrReorderedChunkFailsItsSignature) {
  auto s = signing("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  std::string data = bytes(30000);
  std::string body = encode(s, data, 10000);
  std::string tampered = body;
  tampered[body.find("\r\n") + 2 + 5000] ^= 1;
  Decoded d = decode(s, tampered, 4096);
  EXPECT_FALSE(d.ok);
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->code, "SignatureDoesNotMatch");
  // The first two chunks swapped: each is well formed, the chain is not.
  size_t second = body.find("\r\n", body.find("\r\n") + 2 + 10000 + 2);
  size_t first_len = body.find("\r\n") + 2 + 10000 + 2;
  size_t second_len = second + 2 + 10000 + 2 - first_len;
  std::string swapped = body.substr(first_len, second_len) + body.substr(0, first_len) + body.substr(first_len + second_len);
  d = decode(s, swapped, 4096);
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->code, "SignatureDoesNotMatch");
  // Another request's seed (a replayed body) fails from the first chunk.
  auto other = s;
  other.seed_signature = std::string(64, 'b');
  d = decode(other, body, 4096);
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->code, "SignatureDoesNotMatch");
  EXPECT_TRUE(d.data.size() <= 10000u);
}

TEST(ChunkedDecoder, TrailerChecksumsAreChecked) {
  std::string data = bytes(100000);
  auto unsigned_trailer = signing("STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  const std::string name = "x-amz-checksum-crc32";
  Decoded d = decode(unsigned_trailer, encode(unsigned_trailer, data, 32768, name, crc32Of(data)), 1000, name);
  ASSERT_TRUE(d.ok) << (d.error ? d.error->message : "");
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.data, data);
  d = decode(unsigned_trailer, encode(unsigned_trailer, data, 32768, name, crc32Of("other")), 1000, name);
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->code, "BadDigest");
  EXPECT_FALSE(d.done);
  // A trailer the headers did not declare.
  d = decode(unsigned_trailer, encode(unsigned_trailer, data, 32768, "x-amz-checksum-sha1", "x"), 1000, name);
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->code, "InvalidRequest");

  auto signed_trailer = signing("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
  auto c = Checksum::forHeader("x-amz-checksum-crc32c");
  c->update(data);
  std::string body = encode(signed_trailer, data, 32768, "x-amz-checksum-crc32c", c->base64Value());
  d = decode(signed_trailer, body, 999, "x-amz-checksum-crc32c");
  ASSERT_TRUE(d.ok) << (d.error ? d.error->message : "");
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.data, data);
  size_t sig = body.find("x-amz-trailer-signature:") + 24;
  body[sig] = body[sig] == '0' ? '1' : '0';
  d = decode(signed_trailer, body, 999, "x-amz-checksum-crc32c");
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->code, "SignatureDoesNotMatch");
}

TEST(ChunkedDecoder, BadFramingIsRefusedAndATruncatedBodyIsNotDone) {
  auto s = signing("STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  auto refused = [&](const std::string& body) {
    Decoded d = decode(s, body, 5);
    return !d.ok && d.error && d.error->code == "InvalidRequest" && !d.done;
  };
  EXPECT_TRUE(refused("zz\r\nab\r\n0\r\n\r\n"));
  EXPECT_TRUE(refused("2\r\nabc\r\n0\r\n\r\n"));               // more data than the size says
  EXPECT_TRUE(refused(std::string(5000, '1')));                // a size line that never ends
  EXPECT_TRUE(refused("1234567890abcdef0\r\n"));               // a size beyond 15 hex digits
  EXPECT_TRUE(refused("2\r\nab\r\n0\r\n\r\nextra"));           // bytes after the end
  EXPECT_TRUE(refused("2\r\nab\r\n0\r\nno colon here\r\n\r\n"));
  Decoded cut = decode(s, "4\r\nabcd\r\n", 3);
  EXPECT_TRUE(cut.ok);
  EXPECT_FALSE(cut.done);
  EXPECT_EQ(cut.data, "abcd");
  // A signed body without chunk signatures.
  auto signed_s = signing("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  Decoded d = decode(signed_s, "2\r\nab\r\n0\r\n\r\n", 5);
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->code, "InvalidRequest");
}

}  // namespace
}  // namespace shoal::s3
