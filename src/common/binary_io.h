// Little helpers for the project's binary files (checkpoints): fixed-width little-endian fields and
// length-prefixed strings over iostreams, with a running xxh64 of everything written or read so a
// file can end with its own checksum. Not thread-safe; one per stream.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include <xxhash.h>

namespace shoal {

class BinaryWriter {
 public:
  explicit BinaryWriter(std::ostream& out);
  ~BinaryWriter();
  void u8(uint8_t v) { raw(&v, 1); }
  void u16(uint16_t v) { raw(&v, 2); }
  void u32(uint32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void i64(int64_t v) { raw(&v, 8); }
  void str(std::string_view s);
  // Writes the checksum of everything so far (not itself hashed).
  void finish();
  bool ok() const { return out_.good(); }

 private:
  void raw(const void* p, size_t n);
  std::ostream& out_;
  XXH64_state_t* state_;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::istream& in);
  ~BinaryReader();
  bool u8(uint8_t* v) { return raw(v, 1); }
  bool u16(uint16_t* v) { return raw(v, 2); }
  bool u32(uint32_t* v) { return raw(v, 4); }
  bool u64(uint64_t* v) { return raw(v, 8); }
  bool i64(int64_t* v) { return raw(v, 8); }
  bool str(std::string* s, size_t max_len);
  // Reads the trailing checksum and compares it with what was read.
  bool verifyFinish();

 private:
  bool raw(void* p, size_t n);
  std::istream& in_;
  XXH64_state_t* state_;
};

}  // namespace shoal
