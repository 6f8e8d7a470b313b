#include "common/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace shoal {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits "12.5MB" into 12.5 and "mb". Rejects anything that is not number-then-unit.
Result<std::pair<double, std::string>> splitNumber(std::string_view text, const char* what) {
  text = trim(text);
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  size_t digits = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
    ++digits;
  }
  if (digits == 0) {
    return makeError(StatusCode::kInvalidArgument,
                     fmt::format("'{}' is not a {} (expected a number with an optional unit)", text, what));
  }
  double value = 0;
  std::string number(text.substr(0, i));
  char* end = nullptr;
  value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) {
    return makeError(StatusCode::kInvalidArgument, fmt::format("'{}' is not a {}", text, what));
  }
  return std::make_pair(value, lower(trim(text.substr(i))));
}

}  // namespace

Result<int64_t> parseInt(std::string_view text) {
  text = trim(text);
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return makeError(StatusCode::kInvalidArgument, fmt::format("'{}' is not an integer", text));
  }
  return value;
}

Result<uint64_t> parseBytes(std::string_view text) {
  auto split = splitNumber(text, "size");
  if (!split) return makeError(split.error());
  auto [value, unit] = *split;
  if (value < 0) return makeError(StatusCode::kInvalidArgument, fmt::format("size '{}' is negative", text));
  double mult = 0;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = 1024.0;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tb" || unit == "tib") mult = 1024.0 * 1024 * 1024 * 1024;
  else {
    return makeError(StatusCode::kInvalidArgument,
                     fmt::format("size '{}' has unknown unit '{}' (use B, KB, MB, GB or TB)", text, unit));
  }
  double bytes = value * mult;
  if (bytes > 9.0e18) return makeError(StatusCode::kInvalidArgument, fmt::format("size '{}' is too large", text));
  return static_cast<uint64_t>(std::llround(bytes));
}

Result<int64_t> parseDurationMs(std::string_view text) {
  auto split = splitNumber(text, "duration");
  if (!split) return makeError(split.error());
  auto [value, unit] = *split;
  double mult = 0;
  if (unit.empty() || unit == "ms") mult = 1;
  else if (unit == "s" || unit == "sec") mult = 1000;
  else if (unit == "m" || unit == "min") mult = 60'000;
  else if (unit == "h" || unit == "hr") mult = 3'600'000;
  else if (unit == "d" || unit == "day") mult = 86'400'000;
  else {
    return makeError(StatusCode::kInvalidArgument,
                     fmt::format("duration '{}' has unknown unit '{}' (use ms, s, min, h or d)", text, unit));
  }
  double ms = value * mult;
  if (std::fabs(ms) > 9.0e15) return makeError(StatusCode::kInvalidArgument, fmt::format("duration '{}' is too large", text));
  return static_cast<int64_t>(std::llround(ms));
}

std::string humanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "K", "M", "G", "T", "P"};
  if (bytes < 1024) return std::to_string(bytes) + "B";
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  return fmt::format("{:.1f}{}", v, kUnits[u]);
}

std::string formatDurationMs(int64_t ms) {
  if (ms < 0) return std::to_string(ms);
  if (ms % 86'400'000 == 0 && ms != 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0 && ms != 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0 && ms != 0) return std::to_string(ms / 60'000) + "min";
  if (ms % 1000 == 0 && ms != 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace shoal
