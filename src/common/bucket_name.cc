#include "common/bucket_name.h"

#include <cctype>

namespace shoal {

bool validS3BucketName(const std::string& b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
          c == '.')) {
      return false;
    }
  }
  if (!std::isalnum(static_cast<unsigned char>(b.front())) || !std::isalnum(static_cast<unsigned char>(b.back()))) {
    return false;
  }
  if (b.find("..") != std::string::npos || b.find(".-") != std::string::npos || b.find("-.") != std::string::npos) {
    return false;
  }
  // Not formatted as an IP address (four dot-separated numbers).
  int dots = 0;
  bool numeric = true;
  for (char c : b) {
    if (c == '.') ++dots;
    else numeric = numeric && std::isdigit(static_cast<unsigned char>(c));
  }
  return !(numeric && dots == 3);
}

}  // namespace shoal
