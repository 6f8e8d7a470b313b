#include "worker/pagestore/page_store.h"

#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <unistd.h>

#include "common/logging.h"
#include "worker/pagestore/page_file.h"

namespace shoal::worker {
namespace fs = std::filesystem;

PageHandle::~PageHandle() {
  if (fd_ >= 0) ::close(fd_);
}

PageStore::PageStore(std::vector<TierConfig> tiers) : policy_(makeLruPolicy()) {
  for (auto& t : tiers) tiers_.push_back(Tier{std::move(t)});
}

Result<std::unique_ptr<PageStore>> PageStore::open(std::vector<TierConfig> tiers) {
  if (tiers.empty()) return makeError(invalidArgument("page store: no tiers configured"));
  for (const auto& t : tiers) {
    if (t.capacity == 0) return makeError(invalidArgument(fmt::format("page store tier {} ({}): capacity is 0", t.name, t.dir)));
    std::error_code ec;
    fs::create_directories(t.dir, ec);
    if (ec) {
      return makeError(Status(StatusCode::kIoError, fmt::format("page store tier {}: cannot create {}: {}", t.name, t.dir, ec.message())));
    }
  }
  std::unique_ptr<PageStore> store(new PageStore(std::move(tiers)));
  SHOAL_RETURN_IF_ERROR(store->rebuild());
  return store;
}

std::string PageStore::pathOf(size_t tier, const PageKey& key) const {
  return tiers_[tier].config.dir + "/" + key.relativePath();
}

Status PageStore::rebuild() {
  std::vector<std::string> unlink;
  std::lock_guard lock(mu_);
  for (size_t t = 0; t < tiers_.size(); ++t) {
    const std::string& dir = tiers_[t].config.dir;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (!it->is_regular_file()) continue;
      std::string rel = it->path().string().substr(dir.size() + 1);
      PageKey key;
      unsigned long long fid = 0, ver = 0, idx = 0;
      int consumed = 0;
      bool parsed = std::sscanf(rel.c_str(), "%16llx/%16llx/%llu%n", &fid, &ver, &idx, &consumed) == 3 &&
                    static_cast<size_t>(consumed) == rel.size();
      uint64_t size = it->file_size(ec);
      // Leftover temp files of a crash, foreign files, and files too short to hold a trailer.
      if (!parsed || ec || size < kPageTrailerBytes) {
        unlink.push_back(it->path().string());
        continue;
      }
      key = PageKey{fid, ver, idx};
      if (index_.count(key)) {
        unlink.push_back(it->path().string());
        continue;
      }
      insertLocked(key, Entry{t, size, /*verified=*/false, /*ready=*/true});
      tiers_[t].used += size;
      ++tiers_[t].pages;
      policy_->onInsert(key);
    }
  }
  // A configuration that shrank a tier: evict down to the capacities now.
  for (size_t t = 0; t < tiers_.size(); ++t) {
    while (tiers_[t].used > tiers_[t].config.capacity) {
      auto v = policy_->victim([&](const PageKey& k) { return index_[k].tier == t; });
      if (!v) break;
      eraseLocked(*v, &unlink);
    }
  }
  for (const auto& p : unlink) ::unlink(p.c_str());
  if (!index_.empty()) logger("worker")->info("page store: found {} cached pages on disk", index_.size());
  return Status::ok();
}

void PageStore::eraseLocked(const PageKey& key, std::vector<std::string>* unlink) {
  auto it = index_.find(key);
  if (it == index_.end()) return;
  Tier& t = tiers_[it->second.tier];
  t.used -= it->second.bytes;
  --t.pages;
  unlink->push_back(pathOf(it->second.tier, key));
  policy_->onRemove(key);
  unindexLocked(key);
  index_.erase(it);
}

void PageStore::insertLocked(const PageKey& key, const Entry& e) {
  index_[key] = e;
  by_file_[key.file_id].insert(key);
}

void PageStore::unindexLocked(const PageKey& key) {
  auto f = by_file_.find(key.file_id);
  if (f == by_file_.end()) return;
  f->second.erase(key);
  if (f->second.empty()) by_file_.erase(f);
}

std::vector<PageKey> PageStore::keysOfLocked(uint64_t file_id) const {
  auto f = by_file_.find(file_id);
  return f == by_file_.end() ? std::vector<PageKey>{} : std::vector<PageKey>(f->second.begin(), f->second.end());
}

Result<size_t> PageStore::reserveLocked(uint64_t bytes, std::vector<std::string>* unlink) {
  for (;;) {
    for (size_t t = 0; t < tiers_.size(); ++t) {
      if (tiers_[t].used + bytes <= tiers_[t].config.capacity) return t;
    }
    // The policy holds only evictable pages, so its first candidate is taken: no scan past
    // pinned or held pages.
    auto v = policy_->victim([](const PageKey&) { return true; });
    if (!v) {
      return makeError(Status(StatusCode::kUnavailable,
                              fmt::format("page cache is full: no page can be evicted to make room for {} bytes "
                                          "(the rest is pinned or being written)",
                                          bytes)));
    }
    eraseLocked(*v, unlink);
    ++evictions_;
  }
}

Status PageStore::put(const PageKey& key, std::span<const char> data, bool held) {
  uint64_t bytes = data.size() + kPageTrailerBytes;
  std::vector<std::string> unlink;
  size_t tier = 0;
  uint64_t gen = 0;
  {
    std::lock_guard lock(mu_);
    if (index_.count(key)) return Status::ok();  // cached, or being cached by another caller
    bool fits_somewhere = false;
    for (const auto& t : tiers_) fits_somewhere = fits_somewhere || bytes <= t.config.capacity;
    if (!fits_somewhere) return invalidArgument(fmt::format("a page of {} bytes is larger than every tier", bytes));
    auto r = reserveLocked(bytes, &unlink);
    if (!r) return r.error();
    tier = *r;
    tiers_[tier].used += bytes;
    ++tiers_[tier].pages;
    gen = next_gen_++;
    insertLocked(key, Entry{tier, bytes, /*verified=*/true, /*ready=*/false, held, gen});
  }
  for (const auto& p : unlink) ::unlink(p.c_str());
  Status st = writePageFile(pathOf(tier, key), data);
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end() || it->second.gen != gen) {
    // Dropped while we wrote (its file version removed, say); the tier's accounting went with it.
    // The file we wrote goes too, unless a newer entry of the key now owns that name.
    if (st && it == index_.end()) ::unlink(pathOf(tier, key).c_str());
    return st ? Status(StatusCode::kUnavailable, key.toString() + ": dropped from the cache while being written") : st;
  }
  if (!st) {
    tiers_[tier].used -= bytes;
    --tiers_[tier].pages;
    index_.erase(it);
    unindexLocked(key);
    return st;
  }
  it->second.ready = true;
  if (evictableLocked(key, it->second)) policy_->onInsert(key);
  return Status::ok();
}

std::optional<PageHandle> PageStore::get(const PageKey& key) {
  std::string path;
  bool verified = false;
  uint64_t bytes = 0;
  uint64_t gen = 0;
  {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end() || !it->second.ready) return std::nullopt;
    if (evictableLocked(key, it->second)) policy_->onAccess(key);
    path = pathOf(it->second.tier, key);
    verified = it->second.verified;
    bytes = it->second.bytes;
    gen = it->second.gen;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  Result<uint64_t> len = bytes - kPageTrailerBytes;
  if (fd < 0) {
    len = makeError(Status(StatusCode::kNotFound, path + ": page file vanished"));
  } else if (!verified) {
    len = verifyPageFile(fd, path);
  }
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  bool same = it != index_.end() && it->second.gen == gen;
  if (!len) {
    if (fd >= 0) ::close(fd);
    // Evicted (and perhaps cached again) since we looked: not a damaged page, just a miss.
    if (!same) return std::nullopt;
    logger("worker")->warn("dropping cached {}: {}", key.toString(), len.error().message());
    std::vector<std::string> unlink;
    eraseLocked(key, &unlink);
    for (const auto& p : unlink) ::unlink(p.c_str());
    ++corrupt_dropped_;
    return std::nullopt;
  }
  if (same) it->second.verified = true;
  return PageHandle(fd, *len);
}

bool PageStore::contains(const PageKey& key) const {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  return it != index_.end() && it->second.ready;
}

bool PageStore::evictableLocked(const PageKey& key, const Entry& e) const {
  return e.ready && !e.held && !pinned_.count(key.file_id);
}

void PageStore::pinLocked(uint64_t file_id) {
  if (!pinned_.insert(file_id).second) return;
  for (const auto& k : keysOfLocked(file_id)) policy_->onRemove(k);
}

void PageStore::unpinLocked(uint64_t file_id) {
  if (pinned_.erase(file_id) == 0) return;
  for (const auto& k : keysOfLocked(file_id)) {
    if (evictableLocked(k, index_.at(k))) policy_->onInsert(k);
  }
}

void PageStore::pinFile(uint64_t file_id) {
  std::lock_guard lock(mu_);
  pinLocked(file_id);
}

void PageStore::unpinFile(uint64_t file_id) {
  std::lock_guard lock(mu_);
  unpinLocked(file_id);
}

void PageStore::setPinnedFiles(std::unordered_set<uint64_t> file_ids) {
  std::lock_guard lock(mu_);
  std::vector<uint64_t> dropped;
  for (uint64_t f : pinned_) {
    if (!file_ids.count(f)) dropped.push_back(f);
  }
  for (uint64_t f : dropped) unpinLocked(f);
  for (uint64_t f : file_ids) pinLocked(f);
}

size_t PageStore::pinnedFiles() const {
  std::lock_guard lock(mu_);
  return pinned_.size();
}

size_t PageStore::publishVersion(uint64_t file_id, uint64_t from, uint64_t to) {
  // Three steps so the renames run outside the lock: mark the pages moving, rename, re-index.
  // While a page moves, both keys are entries that are not ready: no reader is served either,
  // no put writes the new key, and no eviction or removal touches them (those act on ready
  // entries only), so the index stays exactly what the disk holds.
  struct Move {
    PageKey from, to;
    std::string src, dst;
  };
  std::vector<Move> moves;
  {
    std::lock_guard lock(mu_);
    for (const auto& k : keysOfLocked(file_id)) {
      Entry& e = index_.at(k);
      PageKey nk{file_id, to, k.index};
      if (k.version != from || !e.ready || index_.count(nk)) continue;
      e.ready = false;
      policy_->onRemove(k);
      insertLocked(nk, Entry{e.tier, 0, e.verified, /*ready=*/false, /*held=*/false, next_gen_++});
      moves.push_back(Move{k, nk, pathOf(e.tier, k), pathOf(e.tier, nk)});
    }
  }
  std::vector<bool> renamed(moves.size(), false);
  for (size_t i = 0; i < moves.size(); ++i) {
    std::error_code ec;
    fs::create_directories(fs::path(moves[i].dst).parent_path(), ec);
    // A rename within one tier directory: the page file never exists half-written under its name.
    renamed[i] = ::renameat2(AT_FDCWD, moves[i].src.c_str(), AT_FDCWD, moves[i].dst.c_str(), RENAME_NOREPLACE) == 0;
  }
  std::lock_guard lock(mu_);
  size_t moved = 0;
  for (size_t i = 0; i < moves.size(); ++i) {
    const Move& m = moves[i];
    Entry e = index_.at(m.from);
    Entry placeholder = index_.at(m.to);
    index_.erase(renamed[i] ? m.from : m.to);
    unindexLocked(renamed[i] ? m.from : m.to);
    if (!renamed[i]) {
      index_.at(m.from).ready = true;
      if (evictableLocked(m.from, e)) policy_->onInsert(m.from);
      continue;
    }
    e.ready = true;
    e.held = false;
    e.gen = placeholder.gen;
    index_[m.to] = e;
    if (evictableLocked(m.to, e)) policy_->onInsert(m.to);
    ++moved;
  }
  return moved;
}

void PageStore::removeVersion(uint64_t file_id, uint64_t version) {
  std::vector<std::string> unlink;
  {
    std::lock_guard lock(mu_);
    std::vector<PageKey> doomed;
    for (const auto& k : keysOfLocked(file_id)) {
      if (k.version == version && index_.at(k).ready) doomed.push_back(k);
    }
    for (const auto& k : doomed) eraseLocked(k, &unlink);
  }
  for (const auto& p : unlink) ::unlink(p.c_str());
}

void PageStore::removeFile(uint64_t file_id, std::optional<uint64_t> keep_version) {
  std::vector<std::string> unlink;
  {
    std::lock_guard lock(mu_);
    std::vector<PageKey> doomed;
    for (const auto& k : keysOfLocked(file_id)) {
      if (index_.at(k).ready && (!keep_version || k.version != *keep_version)) doomed.push_back(k);
    }
    for (const auto& k : doomed) eraseLocked(k, &unlink);
  }
  for (const auto& p : unlink) ::unlink(p.c_str());
}

std::vector<PageKey> PageStore::pagesOf(uint64_t file_id) const {
  std::lock_guard lock(mu_);
  std::vector<PageKey> out;
  for (const auto& k : keysOfLocked(file_id)) {
    if (index_.at(k).ready && k.version != kWritingVersion) out.push_back(k);
  }
  return out;
}

std::vector<uint64_t> PageStore::fileIds() const {
  std::lock_guard lock(mu_);
  std::vector<uint64_t> out;
  out.reserve(by_file_.size());
  for (const auto& [id, keys] : by_file_) out.push_back(id);
  return out;
}

std::vector<TierStats> PageStore::stats() const {
  std::lock_guard lock(mu_);
  std::vector<TierStats> out;
  for (const auto& t : tiers_) out.push_back(TierStats{t.config.name, t.config.dir, t.config.capacity, t.used, t.pages});
  return out;
}

uint64_t PageStore::evictions() const {
  std::lock_guard lock(mu_);
  return evictions_;
}

uint64_t PageStore::corruptPagesDropped() const {
  std::lock_guard lock(mu_);
  return corrupt_dropped_;
}

}  // namespace shoal::worker
