#include "master/journal/raft_codec.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace shoal::master::raftcodec {
namespace {

constexpr uint32_t kAnnounceTag = 0xFFFFFFFFu;
constexpr char kSnapshotMagic[8] = {'S', 'H', 'R', 'A', 'F', 'T', '0', '1'};

void putU32(std::string& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}

bool getU32(const char* data, size_t size, size_t* off, uint32_t* v) {
  if (size - *off < 4) return false;
  std::memcpy(v, data + *off, 4);
  *off += 4;
  return true;
}

void pad(std::string& s) { s.resize((s.size() + 7) / 8 * 8, '\0'); }

Status corrupt(const char* what) { return Status(StatusCode::kCorruption, std::string("raft entry: ") + what); }

}  // namespace

std::string encodeBatch(const std::vector<const proto::JournalEntry*>& entries) {
  std::string out;
  putU32(out, static_cast<uint32_t>(entries.size()));
  for (const auto* e : entries) {
    std::string bytes = e->SerializeAsString();
    putU32(out, static_cast<uint32_t>(bytes.size()));
    out += bytes;
  }
  pad(out);
  return out;
}

std::string encodeAnnounce(const Announce& a) {
  std::string text = std::to_string(a.term) + "\n" + a.journal_address + "\n" + a.rpc_address + "\n";
  for (const auto& m : a.members) text += m + "\n";
  std::string out;
  putU32(out, kAnnounceTag);
  putU32(out, static_cast<uint32_t>(text.size()));
  out += text;
  pad(out);
  return out;
}

Result<std::variant<std::vector<proto::JournalEntry>, Announce>> decodeEntry(const char* data, size_t size) {
  size_t off = 0;
  uint32_t count;
  if (!getU32(data, size, &off, &count)) return makeError(corrupt("no entry count"));
  if (count == kAnnounceTag) {
    uint32_t n;
    if (!getU32(data, size, &off, &n) || size - off < n) return makeError(corrupt("truncated announcement"));
    std::istringstream in(std::string(data + off, n));
    Announce a;
    std::string term;
    if (!std::getline(in, term) || !std::getline(in, a.journal_address) || !std::getline(in, a.rpc_address)) {
      return makeError(corrupt("incomplete announcement"));
    }
    a.term = std::strtoull(term.c_str(), nullptr, 10);
    for (std::string m; std::getline(in, m);) a.members.push_back(m);
    return a;
  }
  std::vector<proto::JournalEntry> out;
  // The count is read from the entry: reserve only what the bytes could hold (4 per entry at least).
  out.reserve(std::min<size_t>(count, (size - off) / 4));
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t n;
    if (!getU32(data, size, &off, &n)) return makeError(corrupt("truncated length"));
    if (size - off < n) return makeError(corrupt("truncated journal entry"));
    proto::JournalEntry e;
    if (!e.ParseFromArray(data + off, static_cast<int>(n))) return makeError(corrupt("undecodable journal entry"));
    out.push_back(std::move(e));
    off += n;
  }
  return out;
}

std::string encodeSnapshotHeader(const std::map<std::string, std::string>& directory) {
  std::string text;
  for (const auto& [journal, rpc] : directory) text += journal + " " + rpc + "\n";
  std::string out(kSnapshotMagic, sizeof kSnapshotMagic);
  putU32(out, static_cast<uint32_t>(text.size()));
  return out + text;
}

Result<size_t> decodeSnapshotHeader(const char* data, size_t size, std::map<std::string, std::string>* directory) {
  if (size < sizeof kSnapshotMagic || std::memcmp(data, kSnapshotMagic, sizeof kSnapshotMagic) != 0) {
    return makeError(Status(StatusCode::kCorruption, "raft snapshot: not a Shoal snapshot (bad magic)"));
  }
  size_t off = sizeof kSnapshotMagic;
  uint32_t n;
  if (!getU32(data, size, &off, &n) || size - off < n) {
    return makeError(Status(StatusCode::kCorruption, "raft snapshot: truncated header"));
  }
  std::istringstream in(std::string(data + off, n));
  for (std::string journal, rpc; in >> journal >> rpc;) (*directory)[journal] = rpc;
  return off + n;
}

}  // namespace shoal::master::raftcodec
