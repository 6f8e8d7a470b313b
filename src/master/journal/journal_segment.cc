#include "master/journal/journal_segment.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>
#include <xxhash.h>

#include "common/errno_status.h"
#include "common/unique_fd.h"

namespace shoal::master {
namespace fs = std::filesystem;

void appendJournalRecord(std::string& out, std::string_view payload) {
  uint32_t len = static_cast<uint32_t>(payload.size());
  uint64_t sum = XXH64(payload.data(), payload.size(), 0);
  out.append(reinterpret_cast<const char*>(&len), 4);
  out.append(reinterpret_cast<const char*>(&sum), 8);
  out.append(payload);
}

JournalRecord readJournalRecord(std::string_view data, size_t pos) {
  JournalRecord r;
  if (pos > data.size() || data.size() - pos < kJournalHeaderBytes) {
    r.bad = "truncated header";
    return r;
  }
  uint32_t len = 0;
  uint64_t sum = 0;
  std::memcpy(&len, data.data() + pos, 4);
  std::memcpy(&sum, data.data() + pos + 4, 8);
  if (len > kJournalMaxRecordBytes || data.size() - pos - kJournalHeaderBytes < len) {
    r.bad = "truncated record";
  } else if (XXH64(data.data() + pos + kJournalHeaderBytes, len, 0) != sum) {
    r.bad = "checksum mismatch";
  } else if (!r.entry.ParseFromArray(data.data() + pos + kJournalHeaderBytes, static_cast<int>(len))) {
    r.bad = "unparsable entry";
  } else {
    r.bytes = kJournalHeaderBytes + len;
  }
  return r;
}

std::optional<size_t> nextValidJournalRecord(std::string_view data, size_t pos) {
  // Most offsets fail on the length alone; only plausible lengths cost a checksum.
  for (size_t p = pos + 1; p + kJournalHeaderBytes <= data.size(); ++p) {
    uint32_t len = 0;
    std::memcpy(&len, data.data() + p, 4);
    if (len == 0 || data.size() - p - kJournalHeaderBytes < len) continue;
    if (!readJournalRecord(data, p).bad) return p;
  }
  return std::nullopt;
}

Result<std::vector<std::pair<uint64_t, std::string>>> listJournalFiles(const std::string& folder,
                                                                         const std::string& prefix) {
  std::vector<std::pair<uint64_t, std::string>> out;
  std::error_code ec;
  fs::directory_iterator it(folder, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() != prefix.size() + 20 || name.compare(0, prefix.size(), prefix) != 0) continue;
    const char* digits = name.data() + prefix.size();
    uint64_t n = 0;
    auto [p, err] = std::from_chars(digits, name.data() + name.size(), n);
    if (err != std::errc() || p != name.data() + name.size()) continue;
    out.emplace_back(n, it->path().string());
  }
  if (ec) return makeError(errnoStatus(ec.value(), "list journal folder " + folder));
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> readJournalFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return makeError(errnoStatus(errno, "open journal segment " + path));
  std::string data;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return makeError(errnoStatus(errno, "read journal segment " + path));
    if (n == 0) return data;
    data.append(buf, static_cast<size_t>(n));
  }
}

namespace {

// Valid records from `pos` on, skipping bad stretches: what a cut at `pos` loses.
void countDropped(std::string_view data, size_t pos, JournalRepairReport& report) {
  std::optional<size_t> at = pos;
  if (readJournalRecord(data, pos).bad) at = nextValidJournalRecord(data, pos);
  while (at) {
    JournalRecord r = readJournalRecord(data, *at);
    if (r.bad) {
      at = nextValidJournalRecord(data, *at);
      continue;
    }
    if (report.records_dropped++ == 0) report.first_dropped_sequence = r.entry.sequence();
    at = *at + r.bytes;
    if (*at >= data.size()) break;
  }
}

}  // namespace

Result<JournalRepairReport> repairJournal(const std::string& folder, const std::string& segment, uint64_t offset) {
  std::string lock_path = folder + "/LOCK";
  UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CLOEXEC));
  if (lock.get() < 0) return makeError(errnoStatus(errno, folder + ": not a journal folder (no LOCK file)"));
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    return makeError(Status(StatusCode::kFailedPrecondition,
                            fmt::format("journal folder {} is in use by a running master; stop it first", folder)));
  }
  auto segments = listJournalFiles(folder, "log-");
  if (!segments) return makeError(segments.error());
  auto it = std::find_if(segments->begin(), segments->end(),
                         [&](const auto& s) { return fs::path(s.second).filename() == segment; });
  if (it == segments->end()) {
    return makeError(notFound(fmt::format("{}/{}", folder, segment)).withContext("no such journal segment"));
  }
  auto data = readJournalFile(it->second);
  if (!data) return makeError(data.error());
  if (offset > data->size()) {
    return makeError(invalidArgument(
        fmt::format("{}: offset {} is past the end of the segment ({} bytes)", segment, offset, data->size())));
  }
  JournalRepairReport report;
  report.segment = segment;
  report.offset = offset;
  report.bytes_dropped = data->size() - offset;
  countDropped(*data, offset, report);
  for (auto later = it + 1; later != segments->end(); ++later) {
    auto more = readJournalFile(later->second);
    if (!more) return makeError(more.error());
    report.bytes_dropped += more->size();
    if (!more->empty()) countDropped(*more, 0, report);
    report.removed_segments.push_back(fs::path(later->second).filename().string());
  }
  // Later segments first: a repair interrupted midway leaves a shorter journal, never a gap.
  for (auto later = segments->rbegin(); later->second != it->second; ++later) {
    if (::unlink(later->second.c_str()) != 0) return makeError(errnoStatus(errno, "remove " + later->second));
  }
  if (::truncate(it->second.c_str(), static_cast<off_t>(offset)) != 0) {
    return makeError(errnoStatus(errno, "truncate " + it->second));
  }
  return report;
}

}  // namespace shoal::master
