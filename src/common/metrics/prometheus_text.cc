#include "common/metrics/prometheus_text.h"

#include <cmath>
#include <fmt/format.h>

namespace shoal::metrics {
namespace {

// HELP text escapes backslash and newline; label values also escape the double quote.
std::string escape(const std::string& s, bool quote) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Integers (every counter and most gauges) print exactly; others with round-trip precision.
  if (v == std::floor(v) && std::fabs(v) < 9.007199254740992e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

void labels(std::string& out, const FamilySample& f, const SeriesSample& s, const std::string* le) {
  if (f.label_names.empty() && le == nullptr) return;
  out += '{';
  bool first = true;
  for (size_t i = 0; i < f.label_names.size() && i < s.label_values.size(); i++) {
    if (!first) out += ',';
    first = false;
    out += f.label_names[i];
    out += "=\"";
    out += escape(s.label_values[i], true);
    out += '"';
  }
  if (le != nullptr) {
    if (!first) out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
}

const char* typeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string prometheusText(const Snapshot& snapshot) {
  std::string out;
  for (const auto& f : snapshot) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, escape(f.help, false), f.name, typeName(f.type));
    for (const auto& s : f.series) {
      if (f.type != MetricType::kHistogram) {
        out += f.name;
        labels(out, f, s, nullptr);
        out += ' ';
        out += number(s.value);
        out += '\n';
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i < s.buckets.size(); i++) {
        cumulative += s.buckets[i];
        std::string le = i < f.bounds.size() ? number(f.bounds[i]) : "+Inf";
        out += f.name + "_bucket";
        labels(out, f, s, &le);
        out += ' ' + number(static_cast<double>(cumulative)) + '\n';
      }
      out += f.name + "_sum";
      labels(out, f, s, nullptr);
      out += ' ' + number(s.sum) + '\n';
      out += f.name + "_count";
      labels(out, f, s, nullptr);
      out += ' ' + number(static_cast<double>(cumulative)) + '\n';
    }
  }
  return out;
}

}  // namespace shoal::metrics
