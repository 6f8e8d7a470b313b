#include "common/metrics/registry.h"

#include <algorithm>
#include <fmt/format.h>

namespace shoal::metrics {
namespace {

bool validName(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); i++) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

constexpr char kSep = '\x1f';
constexpr std::string_view kOverflow = "_overflow";

// Label values come from a bounded set chosen by the code (an op, a status, a mount point), but a
// mount point is the operator's text: keep the key unambiguous and the exposition parseable.
std::string clean(std::string_view v) {
  std::string out(v.substr(0, 256));
  std::replace(out.begin(), out.end(), kSep, '?');
  return out;
}

}  // namespace

FamilySample FamilyBase::collect() const {
  FamilySample out;
  out.name = name_;
  out.help = help_;
  out.type = type_;
  out.label_names = labels_;
  collectSeries(out);
  return out;
}

template <typename M>
std::unique_ptr<M> Family<M>::make() const {
  if constexpr (std::is_same_v<M, Histogram>) {
    return std::make_unique<Histogram>(bounds_);
  } else {
    return std::make_unique<M>();
  }
}

template <typename M>
M& Family<M>::with(std::span<const std::string_view> values) {
  std::string key;
  for (auto v : values) {
    key += clean(v);
    key += kSep;
  }
  bool overflow = values.size() != labels_.size();
  if (!overflow) {
    std::shared_lock lock(mu_);
    auto it = series_.find(key);
    if (it != series_.end()) return *it->second.metric;
  }
  std::unique_lock lock(mu_);
  if (!overflow && series_.size() >= max_series_ && !series_.contains(key)) overflow = true;
  if (overflow) {
    key.clear();
    for (size_t i = 0; i < labels_.size(); i++) (key += kOverflow) += kSep;
  }
  auto [it, inserted] = series_.try_emplace(key);
  if (inserted) {
    for (size_t i = 0; i < labels_.size(); i++) {
      it->second.values.push_back(overflow ? std::string(kOverflow) : clean(values[i]));
    }
    it->second.metric = make();
  }
  return *it->second.metric;
}

template <typename M>
void Family<M>::collectSeries(FamilySample& out) const {
  if constexpr (std::is_same_v<M, Histogram>) out.bounds.assign(bounds_.begin(), bounds_.end());
  std::shared_lock lock(mu_);
  out.series.reserve(series_.size());
  for (const auto& [key, e] : series_) {
    SeriesSample s;
    s.label_values = e.values;
    if constexpr (std::is_same_v<M, Histogram>) {
      for (size_t i = 0; i <= bounds_.size(); i++) s.buckets.push_back(e.metric->bucketCount(i));
      s.sum = e.metric->sum();
    } else {
      s.value = static_cast<double>(e.metric->value());
    }
    out.series.push_back(std::move(s));
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename F>
F& Registry::add(std::unique_ptr<F> family) {
  F& ref = *family;
  std::lock_guard lock(mu_);
  std::string error;
  if (!family->name().starts_with("shoal_") || !validName(family->name(), true)) {
    error = fmt::format("metric name '{}' is not of the form shoal_<component>_<what>_<unit>", family->name());
  } else if (std::any_of(families_.begin(), families_.end(), [&](const auto& f) { return f->name() == family->name(); })) {
    error = fmt::format("metric '{}' is declared twice", family->name());
  } else {
    FamilySample s = family->collect();
    for (const auto& l : s.label_names) {
      if (!validName(l, false) || l.starts_with("__") || l == "le") {
        error = fmt::format("metric '{}': label name '{}' is not allowed", family->name(), l);
      }
    }
  }
  if (!error.empty()) {
    errors_.push_back(std::move(error));
    refused_.push_back(std::move(family));
  } else {
    families_.push_back(std::move(family));
  }
  return ref;
}

Family<Counter>& Registry::counterFamily(std::string_view name, std::string_view help, std::vector<std::string> labels,
                                         size_t max_series) {
  return add(std::make_unique<Family<Counter>>(std::string(name), std::string(help), MetricType::kCounter,
                                               std::move(labels), std::span<const double>{}, max_series));
}

Family<Gauge>& Registry::gaugeFamily(std::string_view name, std::string_view help, std::vector<std::string> labels,
                                     size_t max_series) {
  return add(std::make_unique<Family<Gauge>>(std::string(name), std::string(help), MetricType::kGauge,
                                             std::move(labels), std::span<const double>{}, max_series));
}

Family<Histogram>& Registry::histogramFamily(std::string_view name, std::string_view help,
                                             std::vector<std::string> labels, std::span<const double> bounds,
                                             size_t max_series) {
  return add(std::make_unique<Family<Histogram>>(std::string(name), std::string(help), MetricType::kHistogram,
                                                 std::move(labels), bounds, max_series));
}

void Registry::counterFn(std::string_view name, std::string_view help, std::function<uint64_t()> read) {
  callbackFamily(name, help, MetricType::kCounter, {}, [read = std::move(read)](std::vector<SeriesSample>& out) {
    out.push_back(SeriesSample{.value = static_cast<double>(read())});
  });
}

void Registry::gaugeFn(std::string_view name, std::string_view help, std::function<int64_t()> read) {
  callbackFamily(name, help, MetricType::kGauge, {}, [read = std::move(read)](std::vector<SeriesSample>& out) {
    out.push_back(SeriesSample{.value = static_cast<double>(read())});
  });
}

void Registry::callbackFamily(std::string_view name, std::string_view help, MetricType type,
                              std::vector<std::string> labels, CallbackFamily::Fill fill) {
  add(std::make_unique<CallbackFamily>(std::string(name), std::string(help), type, std::move(labels), std::move(fill)));
}

Status Registry::status() const {
  std::lock_guard lock(mu_);
  if (errors_.empty()) return Status::ok();
  return Status(StatusCode::kInternal, fmt::format("metrics: {}", fmt::join(errors_, "; ")));
}

Snapshot Registry::collect() const {
  std::lock_guard lock(mu_);
  Snapshot out;
  out.reserve(families_.size());
  for (const auto& f : families_) out.push_back(f->collect());
  return out;
}

}  // namespace shoal::metrics
