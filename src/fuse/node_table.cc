#include "fuse/node_table.h"

namespace shoal::fuse {

namespace {
constexpr uint64_t kRootIno = 1;  // FUSE_ROOT_ID
}  // namespace

NodeTable::NodeTable(std::string root) : root_(std::move(root)) {
  nodes_[kRootIno] = Node{root_, 1};
  by_path_[root_] = kRootIno;
}

std::optional<std::string> NodeTable::path(uint64_t ino) const {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(ino);
  if (it == nodes_.end()) return std::nullopt;
  return it->second.path;
}

uint64_t NodeTable::lookup(const std::string& path) {
  std::lock_guard lock(mu_);
  auto it = by_path_.find(path);
  if (it != by_path_.end()) {
    ++nodes_[it->second].lookups;
    return it->second;
  }
  uint64_t ino = next_++;
  nodes_[ino] = Node{path, 1};
  by_path_[path] = ino;
  return ino;
}

void NodeTable::forget(uint64_t ino, uint64_t n) {
  if (ino == kRootIno) return;
  std::lock_guard lock(mu_);
  auto it = nodes_.find(ino);
  if (it == nodes_.end()) return;
  it->second.lookups = it->second.lookups > n ? it->second.lookups - n : 0;
  if (it->second.lookups > 0) return;
  auto p = by_path_.find(it->second.path);
  if (p != by_path_.end() && p->second == ino) by_path_.erase(p);
  nodes_.erase(it);
}

void NodeTable::rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(mu_);
  // Whatever the kernel knew at `to` was replaced; it keeps its number but loses the name.
  if (auto old = by_path_.find(to); old != by_path_.end()) by_path_.erase(old);
  std::vector<std::pair<std::string, uint64_t>> moved;
  if (auto it = by_path_.find(from); it != by_path_.end()) {
    moved.emplace_back(to, it->second);
    by_path_.erase(it);
  }
  // "/a/..." is one range of the ordered map ("/a-b" sorts between "/a" and "/a/", so it is
  // not visited).
  const std::string below = from + "/";
  for (auto it = by_path_.lower_bound(below); it != by_path_.end() && it->first.compare(0, below.size(), below) == 0;) {
    moved.emplace_back(to + it->first.substr(from.size()), it->second);
    it = by_path_.erase(it);
  }
  for (auto& [p, ino] : moved) {
    nodes_[ino].path = p;
    by_path_[p] = ino;
  }
}

std::optional<uint64_t> NodeTable::find(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = by_path_.find(path);
  if (it == by_path_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::pair<uint64_t, std::string>> NodeTable::all() const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<uint64_t, std::string>> out;
  out.reserve(nodes_.size());
  for (const auto& [ino, n] : nodes_) out.emplace_back(ino, n.path);
  return out;
}

}  // namespace shoal::fuse
