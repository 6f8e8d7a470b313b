#include "common/audit_log.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

#include "common/path.h"

namespace shoal {

struct AuditLog::Slot {
  std::atomic<size_t> seq{0};
  int64_t time_us = 0;
  int64_t latency_us = 0;
  bool allowed = true;
  std::string door, op, path, dst, result, user, groups, client, request_id;
};

namespace {

size_t roundUpPow2(size_t n) {
  size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

int64_t nowUsWall() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

void jsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

// HDFS audit fields are tab-separated: a tab or newline in a name would split them.
void hdfsField(std::string& out, std::string_view s) {
  if (s.empty()) {
    out += "null";
    return;
  }
  for (char c : s) out.push_back(c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
}

// "2026-12-02T20:53:04.123456Z" (json) or "2026-12-02 20:53:04,123" (HDFS's log4j prefix).
std::string timeText(int64_t us, bool iso) {
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm);
  return iso ? fmt::format("{}.{:06d}Z", buf, us % 1000000) : fmt::format("{},{:03d}", buf, (us % 1000000) / 1000);
}

}  // namespace

AuditLog::AuditLog(AuditOptions options)
    : options_(std::move(options)),
      slots_(new Slot[roundUpPow2(std::max<size_t>(options_.queue_size, 2))]),
      mask_(roundUpPow2(std::max<size_t>(options_.queue_size, 2)) - 1) {
  for (size_t i = 0; i <= mask_; ++i) slots_[i].seq.store(i, std::memory_order_relaxed);
  filters_.store(std::make_shared<const Filters>());
}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

Status AuditLog::setEnabled(bool on) {
  std::unique_lock lock(mu_);
  if (on && !file_) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(options_.path).parent_path(), ec);
    try {
      auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_st>(options_.path, options_.max_size,
                                                                        options_.max_files);
      file_ = std::make_shared<spdlog::logger>("audit", std::move(sink));
      file_->set_pattern("%v");
      file_->set_level(spdlog::level::info);
    } catch (const std::exception& e) {
      return Status(StatusCode::kIoError, fmt::format("audit log {}: cannot open: {}", options_.path, e.what()));
    }
    writer_ = std::thread([this] { run(); });
  }
  enabled_.store(on, std::memory_order_relaxed);
  return Status::ok();
}

void AuditLog::setFilters(const std::string& ops, const std::string& path_prefixes) {
  auto f = std::make_shared<Filters>();
  f->ops = splitList(ops);
  for (auto& p : splitList(path_prefixes)) {
    auto norm = normalizePath(p);
    if (norm) f->prefixes.push_back(*norm);  // validated with the key
  }
  filters_.store(std::move(f));
}

bool AuditLog::wants(std::string_view op, std::string_view path) const {
  if (!enabled()) return false;
  auto f = filters_.load();
  if (!f->ops.empty() && std::find(f->ops.begin(), f->ops.end(), op) == f->ops.end()) return false;
  if (f->prefixes.empty()) return true;
  for (const auto& p : f->prefixes) {
    if (isSameOrUnder(path, p)) return true;
  }
  return false;
}

bool AuditLog::tryPush(const AuditEvent& e) {
  size_t pos = head_.load(std::memory_order_relaxed);
  Slot* s;
  for (;;) {
    s = &slots_[pos & mask_];
    size_t seq = s->seq.load(std::memory_order_acquire);
    auto dif = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos);
    if (dif == 0) {
      if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) break;
    } else if (dif < 0) {
      return false;  // the writer has not freed this slot: full
    } else {
      pos = head_.load(std::memory_order_relaxed);
    }
  }
  s->time_us = e.time_us;
  s->latency_us = e.latency_us;
  s->allowed = e.allowed;
  s->door.assign(e.door);
  s->op.assign(e.op);
  s->path.assign(e.path);
  s->dst.assign(e.dst);
  s->result.assign(e.result);
  s->user.assign(e.user);
  s->groups.assign(e.groups);
  s->client.assign(e.client);
  s->request_id.assign(e.request_id);
  s->seq.store(pos + 1, std::memory_order_release);
  return true;
}

void AuditLog::record(const AuditEvent& e) {
  while (!tryPush(e)) {
    if (options_.policy == AuditPolicy::kDrop) {
      int64_t now = nowUsWall();
      int64_t none = 0;
      first_drop_us_.compare_exchange_strong(none, now, std::memory_order_relaxed);
      last_drop_us_.store(now, std::memory_order_relaxed);
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    // Block: wait for the writer to free a slot (it notifies after every batch).
    std::unique_lock lock(mu_);
    blocked_.fetch_add(1);
    work_cv_.notify_one();
    space_cv_.wait_for(lock, std::chrono::milliseconds(10));
    blocked_.fetch_sub(1);
  }
  // The writer wakes on its own every kWriterPeriod; it is woken early only when the queue is half
  // full, so a request never pays for a wake-up (nor the writer for one per record).
  if (depth() > (mask_ + 1) / 2 && writer_idle_.load()) {
    std::lock_guard lock(mu_);
    work_cv_.notify_one();
  }
}

size_t AuditLog::depth() const {
  return head_.load(std::memory_order_relaxed) - tail_.load(std::memory_order_relaxed);
}

void AuditLog::flush() {
  size_t target = head_.load();
  std::unique_lock lock(mu_);
  if (!writer_.joinable()) return;
  flush_wanted_ = true;
  work_cv_.notify_one();
  space_cv_.wait(lock, [&] { return flushed_.load() >= target || stopping_; });
}

void AuditLog::format(const Slot& s, std::string& out) const {
  if (options_.format == AuditFormat::kHdfs) {
    out += timeText(s.time_us, false);
    out += " INFO FSNamesystem.audit: allowed=";
    out += s.allowed ? "true" : "false";
    out += "\tugi=";
    hdfsField(out, s.user);
    out += "\tip=/";
    hdfsField(out, s.client);
    out += "\tcmd=";
    hdfsField(out, s.op);
    out += "\tsrc=";
    hdfsField(out, s.path);
    out += "\tdst=";
    hdfsField(out, s.dst);
    out += "\tperm=null\tproto=";
    hdfsField(out, s.door);
    out += "\tcallerContext=";
    hdfsField(out, s.request_id);
    return;
  }
  out += "{\"time\":";
  jsonString(out, timeText(s.time_us, true));
  out += ",\"door\":";
  jsonString(out, s.door);
  out += ",\"op\":";
  jsonString(out, s.op);
  out += ",\"path\":";
  jsonString(out, s.path);
  if (!s.dst.empty()) {
    out += ",\"dst\":";
    jsonString(out, s.dst);
  }
  out += ",\"allowed\":";
  out += s.allowed ? "true" : "false";
  out += ",\"result\":";
  jsonString(out, s.result);
  out += ",\"user\":";
  jsonString(out, s.user);
  out += ",\"groups\":";
  jsonString(out, s.groups);
  out += ",\"client\":";
  jsonString(out, s.client);
  out += ",\"request_id\":";
  jsonString(out, s.request_id);
  out += fmt::format(",\"latency_us\":{}}}", s.latency_us);
}

void AuditLog::formatGap(uint64_t count, int64_t first_us, int64_t last_us, std::string& out) const {
  if (options_.format == AuditFormat::kHdfs) {
    out += timeText(last_us, false);
    out += fmt::format(" WARN FSNamesystem.audit: {} records dropped between {} and {} (audit queue full)", count,
                       timeText(first_us, true), timeText(last_us, true));
    return;
  }
  out += "{\"time\":";
  jsonString(out, timeText(last_us, true));
  out += fmt::format(",\"gap\":{{\"dropped\":{},\"reason\":\"queue full\",\"from\":", count);
  jsonString(out, timeText(first_us, true));
  out += ",\"to\":";
  jsonString(out, timeText(last_us, true));
  out += "}}";
}

void AuditLog::run() {
  std::string line;
  uint64_t reported_drops = 0;
  constexpr size_t kBatch = 1024;
  while (true) {
    auto started = std::chrono::steady_clock::now();
    size_t n = 0;
    // Drops first: the gap record comes before the records queued after them.
    uint64_t drops = dropped_.load(std::memory_order_relaxed);
    if (drops > reported_drops) {
      int64_t first = first_drop_us_.exchange(0, std::memory_order_relaxed);
      int64_t last = last_drop_us_.load(std::memory_order_relaxed);
      line.clear();
      formatGap(drops - reported_drops, first == 0 ? last : first, last, line);
      file_->info(line);
      reported_drops = drops;
      ++n;
    }
    const size_t first = tail_.load(std::memory_order_relaxed);
    size_t pos = first;
    for (size_t i = 0; i < kBatch; ++i, ++pos) {
      Slot& s = slots_[pos & mask_];
      if (s.seq.load(std::memory_order_acquire) != pos + 1) break;
      line.clear();
      format(s, line);
      s.seq.store(pos + mask_ + 1, std::memory_order_release);
      tail_.store(pos + 1, std::memory_order_release);
      file_->info(line);
      written_.fetch_add(1, std::memory_order_relaxed);
      ++n;
    }
    if (n > 0) {
      file_->flush();
      flushed_.store(pos);
      if (write_observer_) {
        write_observer_(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
    }
    std::unique_lock lock(mu_);
    space_cv_.notify_all();
    if (pos - first == kBatch) continue;  // a full batch: more is waiting
    if (stopping_ && n == 0) return;
    if (stopping_) continue;
    writer_idle_.store(true);
    // Blocked producers, flush() and a half-full queue wake it early.
    if (blocked_.load() == 0 && !flush_wanted_) work_cv_.wait_for(lock, kWriterPeriod);
    flush_wanted_ = false;
    writer_idle_.store(false);
  }
}

}  // namespace shoal
