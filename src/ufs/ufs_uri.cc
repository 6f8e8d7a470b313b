#include <fmt/format.h>

#include "common/path.h"
#include "ufs/ufs.h"

namespace shoal::ufs {

std::string UfsUri::toString() const { return scheme + "://" + authority + (path == "/" && !authority.empty() ? "" : path); }

Result<UfsUri> parseUfsUri(const std::string& uri) {
  size_t sep = uri.find("://");
  if (sep == std::string::npos || sep == 0) {
    return makeError(invalidArgument(fmt::format("'{}' is not a URI (expected scheme://authority/path, "
                                                 "for example file:///data)", uri)));
  }
  UfsUri out;
  out.scheme = uri.substr(0, sep);
  for (char c : out.scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return makeError(invalidArgument(fmt::format("'{}': invalid scheme '{}'", uri, out.scheme)));
    }
  }
  std::string rest = uri.substr(sep + 3);
  size_t slash = rest.find('/');
  out.authority = slash == std::string::npos ? rest : rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto norm = normalizePath(path);
  if (!norm) return makeError(norm.error().withContext(uri));
  out.path = *norm;
  return out;
}

}  // namespace shoal::ufs
