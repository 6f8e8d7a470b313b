#include "random_file.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <stdexcept>
#include <vector>

namespace shoal::bench {

void writeRandomFile(const std::string& path, uint64_t bytes, uint64_t seed) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> block(1 << 17);
  for (uint64_t written = 0; written < bytes; written += block.size() * 8) {
    for (auto& v : block) v = rng();
    out.write(reinterpret_cast<const char*>(block.data()),
              static_cast<std::streamsize>(std::min<uint64_t>(block.size() * 8, bytes - written)));
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace shoal::bench
