// A temporary directory for a test, removed with everything in it when the object goes away.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace shoal::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "shoal-test") {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    char* made = mkdtemp(tmpl.data());
    path_ = made ? made : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string sub(const std::string& rel) const { return path_ + "/" + rel; }
  // Writes `text` to `rel` (parents created).
  void write(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories(std::filesystem::path(sub(rel)).parent_path());
    std::ofstream(sub(rel), std::ios::binary) << text;
  }
  // The bytes of `rel` ("" when it cannot be read).
  std::string read(const std::string& rel) const {
    std::ifstream in(sub(rel), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string path_;
};

}  // namespace shoal::testing
