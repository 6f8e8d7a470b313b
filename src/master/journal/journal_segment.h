// The record format of the local journal's segments ([u32 length][u64 xxh64(payload)][payload],
// the payload a JournalEntry) and the scans recovery and repair share: where the next valid record
// starts, and whether anything valid follows a bad one (a torn tail has nothing after it; a bad
// record followed by valid ones is corruption, never silently cut off). Pure functions over bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "journal.pb.h"

namespace shoal::master {

inline constexpr size_t kJournalHeaderBytes = 12;  // u32 length + u64 xxh64(payload)
inline constexpr uint32_t kJournalMaxRecordBytes = 1u << 30;

// Appends one record holding `payload` to `out`.
void appendJournalRecord(std::string& out, std::string_view payload);

// The record at `pos`: its entry and total size, or why it is not a record ("truncated header",
// "checksum mismatch", ...).
struct JournalRecord {
  proto::JournalEntry entry;
  size_t bytes = 0;
  const char* bad = nullptr;  // set when the bytes at `pos` are not a valid record
};
JournalRecord readJournalRecord(std::string_view data, size_t pos);

// The first offset after `pos` at which a whole valid record starts, if any.
std::optional<size_t> nextValidJournalRecord(std::string_view data, size_t pos);

// The whole content of a segment file.
Result<std::string> readJournalFile(const std::string& path);

// Numbered files "<prefix><20 digits>" in `folder`, sorted by number. Names that only look alike
// (other lengths, non-digits) are not ours and are ignored.
Result<std::vector<std::pair<uint64_t, std::string>>> listJournalFiles(const std::string& folder,
                                                                         const std::string& prefix);

// What `shoal fsadmin journal repair` did.
struct JournalRepairReport {
  std::string segment;
  uint64_t offset = 0;
  uint64_t bytes_dropped = 0;        // from `offset` to the end of the journal
  uint64_t records_dropped = 0;      // valid records among them (changes that are lost)
  uint64_t first_dropped_sequence = 0;  // of the first valid record dropped (0: none)
  std::vector<std::string> removed_segments;  // later segments removed whole
};

// Cuts the journal in `folder` at byte `offset` of the segment named `segment` (its file name,
// e.g. log-00000000000000000001) and removes every later segment, reporting what is dropped. The
// folder must not be in use by a running master.
Result<JournalRepairReport> repairJournal(const std::string& folder, const std::string& segment, uint64_t offset);

}  // namespace shoal::master
