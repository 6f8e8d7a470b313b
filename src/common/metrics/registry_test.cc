#include "common/metrics/registry.h"

#include <gtest/gtest.h>
#include <thread>

#include "common/metrics/prometheus_text.h"

namespace shoal::metrics {
namespace {

const FamilySample* find(const Snapshot& s, const std::string& name) {
  for (const auto& f : s) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(MetricsRegistry, CountersAndGaugesReadBackWhatWasRecorded) {
  Registry r;
  Counter& c = r.counter("shoal_test_ops_total", "Operations.");
  Gauge& g = r.gauge("shoal_test_open_files", "Open files.");
  c.inc();
  c.inc(41);
  g.set(10);
  g.add(-3);
  ASSERT_TRUE(r.status().isOk());
  Snapshot s = r.collect();
  ASSERT_NE(find(s, "shoal_test_ops_total"), nullptr);
  EXPECT_EQ(find(s, "shoal_test_ops_total")->series.at(0).value, 42);
  EXPECT_EQ(find(s, "shoal_test_open_files")->series.at(0).value, 7);
}

TEST(MetricsRegistry, RejectsDuplicateAndMalformedNames) {
  Registry r;
  r.counter("shoal_test_ops_total", "first");
  Counter& dup = r.counter("shoal_test_ops_total", "second");
  dup.inc();  // usable, but never exported
  r.gauge("test_no_prefix", "x");
  r.counterFamily("shoal_test_bad_label_total", "x", {"le"});
  Status st = r.status();
  ASSERT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("'shoal_test_ops_total' is declared twice"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("test_no_prefix"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("label name 'le'"), std::string::npos) << st.message();
  Snapshot s = r.collect();
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].series.at(0).value, 0);
}

TEST(MetricsRegistry, LabelValuesAreBoundedPerFamily) {
  Registry r;
  auto& f = r.counterFamily("shoal_test_reads_total", "Reads.", {"mount"}, 3);
  for (int i = 0; i < 10; i++) f.with({"/m" + std::to_string(i)}).inc();
  f.with({"/m0"}).inc();
  f.with({"a", "b"}).inc();  // wrong number of values: counted, in the overflow series
  Snapshot s = r.collect();
  const auto* fam = find(s, "shoal_test_reads_total");
  ASSERT_NE(fam, nullptr);
  ASSERT_EQ(fam->series.size(), 4u);  // three real series and the overflow
  double total = 0;
  for (const auto& series : fam->series) {
    total += series.value;
    if (series.label_values[0] == "_overflow") {
      EXPECT_EQ(series.value, 8);  // 7 mounts + 1 malformed
    }
  }
  EXPECT_EQ(total, 12);
}

TEST(MetricsRegistry, HistogramsCountEachObservationInItsBucket) {
  Registry r;
  Histogram& h = r.histogram("shoal_test_latency_seconds", "Latency.", kLatencyBuckets);
  h.observe(0.00001);  // first bucket
  h.observe(0.003);    // (2.5 ms, 5 ms]
  h.observe(100);      // +Inf
  Snapshot s = r.collect();
  const auto& series = find(s, "shoal_test_latency_seconds")->series.at(0);
  ASSERT_EQ(series.buckets.size(), std::size(kLatencyBuckets) + 1);
  EXPECT_EQ(series.buckets[0], 1u);
  EXPECT_EQ(series.buckets[7], 1u);
  EXPECT_EQ(series.buckets.back(), 1u);
  EXPECT_DOUBLE_EQ(series.sum, 100.00301);
}

TEST(MetricsRegistry, ConcurrentUpdatesAreNotLost) {
  Registry r;
  auto& f = r.counterFamily("shoal_test_ops_total", "Ops.", {"op"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; i++) f.with({i % 2 ? "read" : "write"}).inc();
    });
  }
  for (auto& t : threads) t.join();
  double total = 0;
  Snapshot snap = r.collect();
  for (const auto& s : find(snap, "shoal_test_ops_total")->series) total += s.value;
  EXPECT_EQ(total, 40000);
}

TEST(PrometheusText, WritesTheExpositionFormat) {
  Registry r;
  r.counterFamily("shoal_test_rpcs_total", "RPCs by method.\nSecond line", {"method", "status"})
      .with({"Get\"Status", "OK"})
      .inc(3);
  r.gaugeFn("shoal_test_inodes", "Inodes.", [] { return 12; });
  Histogram& h = r.histogram("shoal_test_batch_size", "Batch.", kCountBuckets);
  h.observe(3);
  h.observe(3);
  std::string text = prometheusText(r.collect());
  EXPECT_NE(text.find("# HELP shoal_test_rpcs_total RPCs by method.\\nSecond line\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE shoal_test_rpcs_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("shoal_test_rpcs_total{method=\"Get\\\"Status\",status=\"OK\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("shoal_test_inodes 12\n"), std::string::npos) << text;
  EXPECT_NE(text.find("shoal_test_batch_size_bucket{le=\"2\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("shoal_test_batch_size_bucket{le=\"4\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("shoal_test_batch_size_bucket{le=\"+Inf\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("shoal_test_batch_size_sum 6\n"), std::string::npos) << text;
  EXPECT_NE(text.find("shoal_test_batch_size_count 2\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace shoal::metrics
