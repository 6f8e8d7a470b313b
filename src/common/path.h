// Shoal paths: absolute, "/"-separated, normalised. Normalisation folds "//", drops "." and a
// trailing "/", and rejects what could escape or confuse the namespace ("..", empty input, NUL and
// other control characters, names over 255 bytes). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace shoal {

inline constexpr size_t kMaxNameBytes = 255;
inline constexpr size_t kMaxPathBytes = 4096;

Result<std::string> normalizePath(std::string_view path);
// OK only when `path` is already what normalizePath() returns for it: an edge that takes paths
// from peers which always send normal forms (the worker's ports, a Ufs entry) refuses anything else
// with InvalidArgument, without allocating.
Status checkNormalized(std::string_view path);
// Components of a normalised path; "/" has none.
std::vector<std::string_view> pathComponents(std::string_view normalized);
// Parent of a normalised path ("/a/b" -> "/a"); "/" is its own parent.
std::string parentPath(std::string_view normalized);
std::string_view baseName(std::string_view normalized);
std::string joinPath(std::string_view parent, std::string_view name);
// True when `path` equals `ancestor` or lies below it (both normalised).
bool isSameOrUnder(std::string_view path, std::string_view ancestor);
// `path` relative to `ancestor` as an absolute path ("/m/a/b" under "/m" is "/a/b"; "/m" is "/").
// REQUIRES: isSameOrUnder(path, ancestor).
std::string relativeTo(std::string_view path, std::string_view ancestor);
// Validates one name component (no "/", no control character, not "." or "..", not empty,
// <= 255 bytes).
Status validateName(std::string_view name);
// Validates a symbolic link's text (1 to 4095 bytes, no NUL; otherwise anything: it is never resolved).
Status validateLinkTarget(std::string_view target);

}  // namespace shoal
