// The audit log's queue under pressure: with the writer held (its batch observer waits), a full
// queue under "drop" counts what it drops and writes one gap record saying so; under "block" the
// producers wait and every record arrives, in order.
#include "common/audit_log.h"

#include <condition_variable>
#include <fstream>
#include <gtest/gtest.h>
#include <mutex>
#include <thread>

#include "testing/temp_dir.h"

namespace shoal {
namespace {

using testing::TempDir;

std::vector<std::string> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Holds the writer inside its first batch's observer until released.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool held = false, open = false;
  void hold() {
    std::unique_lock lock(mu);
    held = true;
    cv.notify_all();
    cv.wait(lock, [this] { return open; });
  }
  void waitHeld() {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return held; });
  }
  void release() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
};

// The event's strings are views: `path` must outlive it.
AuditEvent event(const std::string& path) {
  AuditEvent e;
  e.time_us = 1'764'000'000'000'000;
  e.door = "master";
  e.op = "mkdir";
  e.path = path;
  e.result = "ok";
  e.user = "alice";
  e.groups = "staff";
  e.client = "127.0.0.1:5000";
  return e;
}

TEST(AuditLog, FullQueueUnderDropCountsAndWritesAGapRecord) {
  TempDir dir;
  Gate gate;  // before the log: the writer (stopped with the log) calls it until then
  AuditLog log({.path = dir.sub("a.audit.log"), .policy = AuditPolicy::kDrop, .queue_size = 16});
  log.setWriteObserver([&gate](double) { gate.hold(); });
  ASSERT_TRUE(log.setEnabled(true).isOk());
  log.record(event("/first"));
  gate.waitHeld();  // the writer wrote /first and now waits
  for (int i = 0; i < 16 + 5; ++i) log.record(event("/p" + std::to_string(i)));
  EXPECT_EQ(log.dropped(), 5u);
  gate.release();
  log.flush();
  auto got = lines(dir.sub("a.audit.log"));
  ASSERT_EQ(got.size(), 1u + 1u + 16u);
  EXPECT_NE(got[0].find("\"path\":\"/first\""), std::string::npos) << got[0];
  EXPECT_NE(got[1].find("\"gap\":{\"dropped\":5,\"reason\":\"queue full\""), std::string::npos) << got[1];
  for (int i = 0; i < 16; ++i) EXPECT_NE(got[2 + i].find("\"path\":\"/p" + std::to_string(i) + "\""), std::string::npos);
  EXPECT_EQ(log.written(), 17u);
}

TEST(AuditLog, FullQueueUnderBlockLosesNothing) {
  TempDir dir;
  Gate gate;  // before the log: the writer (stopped with the log) calls it until then
  AuditLog log({.path = dir.sub("b.audit.log"), .policy = AuditPolicy::kBlock, .queue_size = 16});
  log.setWriteObserver([&gate](double) { gate.hold(); });
  ASSERT_TRUE(log.setEnabled(true).isOk());
  log.record(event("/first"));
  gate.waitHeld();
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) log.record(event("/p" + std::to_string(i)));
  });
  // The producer fills the queue and waits; nothing is dropped while it does.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (log.depth() < 16 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_EQ(log.depth(), 16u);
  EXPECT_EQ(log.dropped(), 0u);
  gate.release();
  producer.join();
  log.flush();
  auto got = lines(dir.sub("b.audit.log"));
  ASSERT_EQ(got.size(), 101u);
  for (int i = 0; i < 100; ++i) EXPECT_NE(got[1 + i].find("\"path\":\"/p" + std::to_string(i) + "\""), std::string::npos);
  EXPECT_EQ(log.dropped(), 0u);
}

TEST(AuditLog, HdfsFormatAndFiltersAndEscaping) {
  TempDir dir;
  AuditLog log({.path = dir.sub("c.audit.log"), .format = AuditFormat::kHdfs});
  ASSERT_TRUE(log.setEnabled(true).isOk());
  log.setFilters("mkdir, rename", "/keep");
  EXPECT_TRUE(log.wants("mkdir", "/keep/x"));
  EXPECT_FALSE(log.wants("mkdir", "/keeper")) << "a prefix is a path";
  EXPECT_FALSE(log.wants("delete", "/keep/x"));
  const std::string path = "/keep/a\tb";  // AuditEvent holds views
  auto e = event(path);
  e.op = "rename";
  e.dst = "/keep/c";
  log.record(e);
  log.flush();
  auto got = lines(dir.sub("c.audit.log"));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].find("INFO FSNamesystem.audit: allowed=true\tugi=alice\tip=/127.0.0.1:5000\tcmd=rename\t"
                        "src=/keep/a b\tdst=/keep/c\tperm=null\tproto=master"),
            std::string::npos)
      << got[0];
  ASSERT_TRUE(log.setEnabled(false).isOk());
  EXPECT_FALSE(log.wants("mkdir", "/keep/x"));
}

}  // namespace
}  // namespace shoal
