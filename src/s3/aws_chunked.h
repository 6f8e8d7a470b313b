// The aws-chunked body encoding (Content-Encoding: aws-chunked) decoded as it streams in: chunks
// of "HEX-SIZE[;chunk-signature=SIG]\r\nDATA\r\n" ending with an empty chunk and, for the
// -TRAILER payload types, trailing "name:value" lines (a checksum, and for signed bodies
// x-amz-trailer-signature). Each chunk signature, chained from the request's seed signature, and
// the trailer's checksum of the decoded bytes are checked; only the data reaches the sink, so no
// object ever holds the framing. Bounded: a header line or the trailer may not exceed 4 KiB.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "s3/checksum.h"
#include "common/crypto.h"
#include "s3/s3_error.h"
#include "s3/s3_request.h"
#include "s3/sigv4.h"

namespace shoal::s3 {

class ChunkedDecoder {
 public:
  // `declared_trailer`: the x-amz-trailer header ("" when the client declared none).
  ChunkedDecoder(ChunkSigning signing, std::string declared_trailer);

  // Decodes the next encoded bytes, handing the data to `out`. False on bad framing, a bad
  // signature or checksum (see error()), or when `out` stopped.
  bool feed(std::string_view encoded, const Sink& out);
  // True once the final chunk and the trailer arrived whole and checked.
  bool done() const { return state_ == State::kDone && !error_; }
  // What was wrong with the body, once feed() returned false for it.
  const std::optional<S3Error>& error() const { return error_; }

 private:
  enum class State { kSize, kData, kDataEnd, kTrailer, kDone };
  bool fail(S3Error e);
  bool sizeLine(const std::string& line);
  bool endChunk();
  bool trailerLine(const std::string& line);
  bool finishTrailer();

  ChunkSigning signing_;
  std::string declared_trailer_;
  State state_ = State::kSize;
  std::string line_;  // a header, CRLF or trailer line being gathered
  uint64_t remaining_ = 0;
  bool final_ = false;  // the empty chunk that ends the data
  std::string chunk_signature_;
  std::string previous_signature_;
  std::unique_ptr<Digest> chunk_sha_;
  std::unique_ptr<Checksum> checksum_;  // of the decoded bytes, for the declared trailer
  std::string trailer_text_;            // "name:value\n" lines, as the trailer signature covers them
  std::string trailer_value_, trailer_signature_;
  std::optional<S3Error> error_;
};

}  // namespace shoal::s3
