#include "common/path.h"

#include <fmt/format.h>

namespace shoal {
namespace {

// NUL, the C0 controls and DEL: a name holding one breaks terminals, logs and line-based tools,
// and no store we serve needs one.
bool isControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

}  // namespace

std::string relativeTo(std::string_view path, std::string_view ancestor) {
  if (ancestor == "/") return std::string(path);
  std::string_view rest = path.substr(ancestor.size());
  return rest.empty() ? std::string("/") : std::string(rest);
}

Status validateLinkTarget(std::string_view target) {
  if (target.empty() || target.size() >= 4096 || target.find('\0') != std::string_view::npos) {
    return invalidArgument("a link's target must be 1 to 4095 bytes with no NUL");
  }
  return Status::ok();
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
    if (isControl(c)) {
      return invalidArgument(
          fmt::format("file name contains the control character 0x{:02x}", static_cast<unsigned char>(c)));
    }
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
  for (char c : path) {
    if (isControl(c)) {
      return makeError(invalidArgument(fmt::format("path '{}' contains the control character 0x{:02x}",
                                                   path.substr(0, 64), static_cast<unsigned char>(c))));
    }
  }
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

Status checkNormalized(std::string_view path) {
  if (path.empty()) return invalidArgument("empty path");
  if (path.front() != '/') return invalidArgument(fmt::format("path '{}' is not absolute", path.substr(0, 64)));
  if (path.size() > kMaxPathBytes) {
    return invalidArgument(fmt::format("path of {} bytes is longer than {} bytes", path.size(), kMaxPathBytes));
  }
  if (path == "/") return Status::ok();
  if (path.back() == '/') return invalidArgument(fmt::format("path '{}' ends with '/'", path.substr(0, 64)));
  size_t start = 1;
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') {
      if (isControl(path[i])) {
        return invalidArgument(fmt::format("path '{}' contains the control character 0x{:02x}", path.substr(0, 64),
                                           static_cast<unsigned char>(path[i])));
      }
      continue;
    }
    std::string_view name = path.substr(start, i - start);
    if (name.empty()) return invalidArgument(fmt::format("path '{}' has an empty component", path.substr(0, 64)));
    if (name == "." || name == "..") {
      return invalidArgument(fmt::format("path '{}' contains '{}'", path.substr(0, 64), name));
    }
    if (name.size() > kMaxNameBytes) {
      return invalidArgument(fmt::format("path '{}': a name of {} bytes is longer than {} bytes", path.substr(0, 64),
                                         name.size(), kMaxNameBytes));
    }
    start = i + 1;
  }
  return Status::ok();
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
