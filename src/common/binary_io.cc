#include "common/binary_io.h"

namespace shoal {

BinaryWriter::BinaryWriter(std::ostream& out) : out_(out), state_(XXH64_createState()) { XXH64_reset(state_, 0); }
BinaryWriter::~BinaryWriter() { XXH64_freeState(state_); }

void BinaryWriter::raw(const void* p, size_t n) {
  out_.write(static_cast<const char*>(p), static_cast<std::streamsize>(n));
  XXH64_update(state_, p, n);
}

void BinaryWriter::str(std::string_view s) {
  u32(static_cast<uint32_t>(s.size()));
  raw(s.data(), s.size());
}

void BinaryWriter::finish() {
  uint64_t sum = XXH64_digest(state_);
  out_.write(reinterpret_cast<const char*>(&sum), 8);
}

BinaryReader::BinaryReader(std::istream& in) : in_(in), state_(XXH64_createState()) { XXH64_reset(state_, 0); }
BinaryReader::~BinaryReader() { XXH64_freeState(state_); }

bool BinaryReader::raw(void* p, size_t n) {
  if (!in_.read(static_cast<char*>(p), static_cast<std::streamsize>(n))) return false;
  XXH64_update(state_, p, n);
  return true;
}

bool BinaryReader::str(std::string* s, size_t max_len) {
  uint32_t n = 0;
  if (!u32(&n) || n > max_len) return false;
  s->resize(n);
  return n == 0 || raw(s->data(), n);
}

bool BinaryReader::verifyFinish() {
  uint64_t expected = XXH64_digest(state_);
  uint64_t stored = 0;
  if (!in_.read(reinterpret_cast<char*>(&stored), 8)) return false;
  return stored == expected;
}

}  // namespace shoal
