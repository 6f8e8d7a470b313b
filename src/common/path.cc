#include "common/path.h"

#include <fmt/format.h>

namespace shoal {

std::string relativeTo(std::string_view path, std::string_view ancestor) {
  if (ancestor == "/") return std::string(path);
  std::string_view rest = path.substr(ancestor.size());
  return rest.empty() ? std::string("/") : std::string(rest);
}

Status validateName(std::string_view name) {
  if (name.empty()) return invalidArgument("empty file name");
  if (name == "." || name == "..") return invalidArgument(fmt::format("'{}' is not allowed as a file name", name));
  if (name.size() > kMaxNameBytes) {
    return invalidArgument(fmt::format("file name of {} bytes is longer than {} bytes", name.size(), kMaxNameBytes));
  }
  for (char c : name) {
    if (c == '/') return invalidArgument(fmt::format("file name '{}' contains '/'", name));
    if (c == '\0') return invalidArgument("file name contains a NUL byte");
  }
  return Status::ok();
}

Result<std::string> normalizePath(std::string_view path) {
  if (path.empty()) return makeError(invalidArgument("empty path"));
  if (path.front() != '/') return makeError(invalidArgument(fmt::format("path '{}' is not absolute", path)));
  if (path.size() > kMaxPathBytes) {
    return makeError(invalidArgument(fmt::format("path of {} bytes is longer than {} bytes", path.size(), kMaxPathBytes)));
  }
  if (path.find('\0') != std::string_view::npos) return makeError(invalidArgument("path contains a NUL byte"));
  std::string out;
  out.reserve(path.size());
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t start = i;
    while (i < path.size() && path[i] != '/') ++i;
    std::string_view name = path.substr(start, i - start);
    if (name.empty() || name == ".") continue;
    if (name == "..") return makeError(invalidArgument(fmt::format("path '{}' contains '..'", path)));
    if (name.size() > kMaxNameBytes) {
      return makeError(invalidArgument(
          fmt::format("path '{}': a name of {} bytes is longer than {} bytes", path.substr(0, 64), name.size(), kMaxNameBytes)));
    }
    out.push_back('/');
    out.append(name);
  }
  if (out.empty()) out.push_back('/');  // not `out = "/"`: GCC 12 raises a false -Wrestrict
  return out;
}

std::vector<std::string_view> pathComponents(std::string_view normalized) {
  std::vector<std::string_view> parts;
  size_t i = 1;
  while (i < normalized.size()) {
    size_t j = normalized.find('/', i);
    if (j == std::string_view::npos) j = normalized.size();
    parts.push_back(normalized.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

std::string parentPath(std::string_view normalized) {
  size_t pos = normalized.rfind('/');
  if (pos == 0 || pos == std::string_view::npos) return "/";
  return std::string(normalized.substr(0, pos));
}

std::string_view baseName(std::string_view normalized) {
  size_t pos = normalized.rfind('/');
  return pos == std::string_view::npos ? normalized : normalized.substr(pos + 1);
}

std::string joinPath(std::string_view parent, std::string_view name) {
  std::string out(parent);
  if (out.empty() || out.back() != '/') out.push_back('/');
  out.append(name);
  return out;
}

bool isSameOrUnder(std::string_view path, std::string_view ancestor) {
  if (ancestor == "/") return true;
  if (path.size() < ancestor.size() || path.substr(0, ancestor.size()) != ancestor) return false;
  return path.size() == ancestor.size() || path[ancestor.size()] == '/';
}

}  // namespace shoal
