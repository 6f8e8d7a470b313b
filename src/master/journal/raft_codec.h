// What the Raft journal puts in raft's log and snapshots, and how it reads it back. Kept apart from
// the loop (raft_journal.cc) so the formats are in one place.
//
// A log entry is either a batch of journal entries (a count, then each entry length-prefixed) or a
// leader's announcement (count 0xFFFFFFFF, then text lines), padded with zeros to a multiple of 8
// bytes: libraft's segment reader expects entry data so padded (measured: unpadded batches read
// back as corrupt after a restart). All integers are 4-byte little-endian.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "journal.pb.h"

namespace shoal::master::raftcodec {

// The first thing a new leader commits in its term: its RPC address, for the followers' redirects,
// and the journal address list it was started with, so a master started with another list notices.
// Once it is applied the leader has also applied everything committed before its term.
struct Announce {
  uint64_t term = 0;
  std::string journal_address;
  std::string rpc_address;
  std::vector<std::string> members;  // sorted
};

std::string encodeBatch(const std::vector<const proto::JournalEntry*>& entries);
std::string encodeAnnounce(const Announce& a);
Result<std::variant<std::vector<proto::JournalEntry>, Announce>> decodeEntry(const char* data, size_t size);

// A snapshot is the journal-address -> RPC-address directory, then the state machine's checkpoint.
std::string encodeSnapshotHeader(const std::map<std::string, std::string>& directory);
// Reads the header at the start of `data`; returns the offset of the checkpoint.
Result<size_t> decodeSnapshotHeader(const char* data, size_t size, std::map<std::string, std::string>* directory);

}  // namespace shoal::master::raftcodec
