// A process's metrics: families of counters, gauges and histograms declared once each (a second
// declaration of a name is rejected and reported by status()), with a fixed set of label names and a
// bounded number of label values per family, so no path or user name can grow it without bound.
// Declaring and collecting are thread-safe; the metrics themselves are updated lock-free.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics/metric.h"
#include "common/status.h"

namespace shoal::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

// One series of a family at collection time.
struct SeriesSample {
  std::vector<std::string> label_values = {};
  double value = 0;                    // counters and gauges
  std::vector<uint64_t> buckets = {};  // histograms: per bucket, not cumulative; the last is +Inf
  double sum = 0;
};

struct FamilySample {
  std::string name;
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<std::string> label_names;
  std::vector<double> bounds;  // histograms
  std::vector<SeriesSample> series;
};

using Snapshot = std::vector<FamilySample>;

// A family's series beyond this many share one series whose labels all read "_overflow".
inline constexpr size_t kDefaultMaxSeries = 256;

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> labels)
      : name_(std::move(name)), help_(std::move(help)), type_(type), labels_(std::move(labels)) {}
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  FamilySample collect() const;

 protected:
  virtual void collectSeries(FamilySample& out) const = 0;

  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> labels_;
};

template <typename M>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, MetricType type, std::vector<std::string> labels,
         std::span<const double> bounds, size_t max_series)
      : FamilyBase(std::move(name), std::move(help), type, std::move(labels)), bounds_(bounds), max_series_(max_series) {}

  // The series with these label values (one per label name, in order), created on first use. The
  // reference stays valid for the registry's lifetime: hot paths look it up once and keep it.
  M& with(std::initializer_list<std::string_view> values) { return with(std::span(values.begin(), values.size())); }
  M& with(std::span<const std::string_view> values);

 protected:
  void collectSeries(FamilySample& out) const override;

 private:
  std::unique_ptr<M> make() const;

  std::span<const double> bounds_;
  const size_t max_series_;
  mutable std::shared_mutex mu_;
  struct Entry {
    std::vector<std::string> values;
    std::unique_ptr<M> metric;
  };
  // Keyed by the label values joined with '\x1f' (a byte no label value may hold).
  std::map<std::string, Entry, std::less<>> series_;  // guarded by mu_
};

// Series computed when collected, from values the process keeps anyway (an atomic counter of its
// own, the journal's sequence, the entries of a bounded table); the callback must be cheap.
class CallbackFamily final : public FamilyBase {
 public:
  using Fill = std::function<void(std::vector<SeriesSample>&)>;
  CallbackFamily(std::string name, std::string help, MetricType type, std::vector<std::string> labels, Fill fill)
      : FamilyBase(std::move(name), std::move(help), type, std::move(labels)), fill_(std::move(fill)) {}

 protected:
  void collectSeries(FamilySample& out) const override { fill_(out.series); }

 private:
  Fill fill_;
};

class Registry {
 public:
  Counter& counter(std::string_view name, std::string_view help) { return counterFamily(name, help, {}).with({}); }
  Gauge& gauge(std::string_view name, std::string_view help) { return gaugeFamily(name, help, {}).with({}); }
  Histogram& histogram(std::string_view name, std::string_view help, std::span<const double> bounds) {
    return histogramFamily(name, help, {}, bounds).with({});
  }
  Family<Counter>& counterFamily(std::string_view name, std::string_view help, std::vector<std::string> labels,
                                 size_t max_series = kDefaultMaxSeries);
  Family<Gauge>& gaugeFamily(std::string_view name, std::string_view help, std::vector<std::string> labels,
                             size_t max_series = kDefaultMaxSeries);
  Family<Histogram>& histogramFamily(std::string_view name, std::string_view help, std::vector<std::string> labels,
                                     std::span<const double> bounds, size_t max_series = kDefaultMaxSeries);
  // A single series read from `read` at collection.
  void counterFn(std::string_view name, std::string_view help, std::function<uint64_t()> read);
  void gaugeFn(std::string_view name, std::string_view help, std::function<int64_t()> read);
  void callbackFamily(std::string_view name, std::string_view help, MetricType type, std::vector<std::string> labels,
                      CallbackFamily::Fill fill);

  // Ok, or every declaration that was refused (a duplicate or malformed name): a programming
  // error that daemons refuse to start with and tests check.
  Status status() const;
  Snapshot collect() const;

 private:
  template <typename F>
  F& add(std::unique_ptr<F> family);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<FamilyBase>> families_;  // guarded by mu_, in declaration order
  std::vector<std::unique_ptr<FamilyBase>> refused_;   // guarded by mu_: usable, never exported
  std::vector<std::string> errors_;                    // guarded by mu_
};

}  // namespace shoal::metrics
