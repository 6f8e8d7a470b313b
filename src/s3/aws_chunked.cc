#include "s3/aws_chunked.h"

#include <fmt/format.h>

namespace shoal::s3 {
namespace {

constexpr size_t kMaxLine = 4096;
const std::string kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

S3Error framing(const std::string& what) { return {400, "InvalidRequest", "aws-chunked body: " + what}; }

// Gathers bytes of `in` into `line` up to CRLF; true with the line (without CRLF) once complete.
bool gatherLine(std::string_view& in, std::string& line, bool* too_long) {
  while (!in.empty()) {
    char c = in.front();
    in.remove_prefix(1);
    line.push_back(c);
    if (line.size() >= 2 && line[line.size() - 2] == '\r' && c == '\n') {
      line.resize(line.size() - 2);
      return true;
    }
    if (line.size() > kMaxLine) {
      *too_long = true;
      return false;
    }
  }
  return false;
}

}  // namespace

ChunkedDecoder::ChunkedDecoder(ChunkSigning signing, std::string declared_trailer)
    : signing_(std::move(signing)), declared_trailer_(std::move(declared_trailer)) {
  previous_signature_ = signing_.seed_signature;
  if (!declared_trailer_.empty()) checksum_ = Checksum::forHeader(declared_trailer_);
}

bool ChunkedDecoder::fail(S3Error e) {
  if (!error_) error_ = std::move(e);
  return false;
}

bool ChunkedDecoder::feed(std::string_view in, const Sink& out) {
  if (error_) return false;
  while (!in.empty()) {
    bool too_long = false;
    switch (state_) {
      case State::kSize:
        if (!gatherLine(in, line_, &too_long)) {
          if (too_long) return fail(framing("a chunk header is longer than 4 KiB"));
          break;
        }
        if (!sizeLine(line_)) return false;
        line_.clear();
        break;
      case State::kData: {
        std::string_view piece = in.substr(0, static_cast<size_t>(std::min<uint64_t>(remaining_, in.size())));
        in.remove_prefix(piece.size());
        remaining_ -= piece.size();
        if (chunk_sha_) chunk_sha_->update(piece);
        if (checksum_) checksum_->update(piece);
        if (!piece.empty() && !out(piece)) return false;
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd:
        while (!in.empty() && line_.size() < 2) {
          line_.push_back(in.front());
          in.remove_prefix(1);
        }
        if (line_.size() < 2) break;
        if (line_ != "\r\n") return fail(framing("a chunk's data is not followed by CRLF (wrong chunk size?)"));
        line_.clear();
        if (!endChunk()) return false;
        break;
      case State::kTrailer:
        if (!gatherLine(in, line_, &too_long)) {
          if (too_long) return fail(framing("a trailer line is longer than 4 KiB"));
          break;
        }
        if (line_.empty()) {
          if (!finishTrailer()) return false;
        } else if (!trailerLine(line_)) {
          return false;
        }
        line_.clear();
        break;
      case State::kDone:
        return fail(framing("bytes follow the final chunk"));
    }
  }
  return true;
}

bool ChunkedDecoder::sizeLine(const std::string& line) {
  size_t semi = line.find(';');
  std::string hex_size = line.substr(0, semi);
  if (hex_size.empty() || hex_size.size() > 15 || hex_size.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return fail(framing("a chunk size is not a hexadecimal number"));
  }
  remaining_ = std::stoull(hex_size, nullptr, 16);
  final_ = remaining_ == 0;
  chunk_signature_.clear();
  if (semi != std::string::npos) {
    const std::string ext = line.substr(semi + 1);
    const std::string name = "chunk-signature=";
    if (ext.starts_with(name)) chunk_signature_ = ext.substr(name.size());
  }
  if (signing_.signed_chunks()) {
    if (chunk_signature_.size() != 64) return fail(framing("a chunk has no chunk-signature"));
    chunk_sha_ = std::make_unique<Digest>("sha256");
  }
  if (remaining_ > 0) {
    state_ = State::kData;
    return true;
  }
  // The final, empty chunk: its data CRLF follows, or in a trailer body the trailer does.
  if (signing_.trailer()) return endChunk();
  state_ = State::kDataEnd;
  return true;
}

bool ChunkedDecoder::endChunk() {
  if (signing_.signed_chunks()) {
    std::string to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n" + signing_.amz_date + "\n" + signing_.scope + "\n" +
                          previous_signature_ + "\n" + kEmptySha256 + "\n" + hex(chunk_sha_->finish());
    chunk_sha_.reset();
    if (!constantTimeEqual(hex(hmacSha256(signing_.signing_key, to_sign)), chunk_signature_)) {
      return fail({403, "SignatureDoesNotMatch", "a chunk's signature does not match its data"});
    }
    previous_signature_ = chunk_signature_;
  }
  if (!final_) state_ = State::kSize;
  else state_ = signing_.trailer() ? State::kTrailer : State::kDone;
  return true;
}

bool ChunkedDecoder::trailerLine(const std::string& line) {
  size_t colon = line.find(':');
  if (colon == std::string::npos) return fail(framing("a trailer line is not name:value"));
  std::string name = line.substr(0, colon);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value = line.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.erase(value.begin());
  if (name == "x-amz-trailer-signature") {
    trailer_signature_ = value;
    return true;
  }
  if (name != declared_trailer_) {
    return fail(framing("the trailer '" + name.substr(0, 64) + "' was not declared in x-amz-trailer"));
  }
  trailer_value_ = value;
  trailer_text_ += name + ":" + value + "\n";
  if (trailer_text_.size() > kMaxLine) return fail(framing("the trailer is longer than 4 KiB"));
  return true;
}

bool ChunkedDecoder::finishTrailer() {
  if (!declared_trailer_.empty()) {
    if (trailer_value_.empty()) return fail(framing("the declared trailer " + declared_trailer_ + " never came"));
    if (!checksum_ || !constantTimeEqual(checksum_->base64Value(), trailer_value_)) {
      return fail({400, "BadDigest", fmt::format("The {} you specified did not match the calculated checksum.",
                                                 declared_trailer_)});
    }
  }
  if (signing_.signed_chunks()) {
    std::string to_sign = "AWS4-HMAC-SHA256-TRAILER\n" + signing_.amz_date + "\n" + signing_.scope + "\n" +
                          previous_signature_ + "\n" + hex(sha256(trailer_text_));
    if (!constantTimeEqual(hex(hmacSha256(signing_.signing_key, to_sign)), trailer_signature_)) {
      return fail({403, "SignatureDoesNotMatch", "the trailer's signature does not match it"});
    }
  }
  state_ = State::kDone;
  return true;
}

}  // namespace shoal::s3
