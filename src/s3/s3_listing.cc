#include "s3/s3_listing.h"

#include <algorithm>

namespace shoal::s3 {
namespace {

class Walk {
 public:
  Walk(const ListQuery& q, const ListSource& s) : q_(q), s_(s) {}

  // False once the page is full (the walk stops).
  Result<bool> dir(const std::string& dir_key) {
    auto entries = s_.list(dir_key);
    if (!entries) {
      if (entries.error().code() == StatusCode::kNotFound || entries.error().code() == StatusCode::kNotADirectory) {
        return true;
      }
      return makeError(entries.error());
    }
    std::vector<std::pair<std::string, const proto::FileInfo*>> keys;
    keys.reserve(entries->size());
    for (const proto::FileInfo& e : *entries) {
      if (std::string_view(e.name()).starts_with(kHiddenPrefix)) continue;
      keys.emplace_back(dir_key + e.name() + (e.is_dir() ? "/" : ""), &e);
    }
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [k, info] : keys) {
      if (!info->is_dir()) {
        if (!k.starts_with(q_.prefix) || k <= q_.after) continue;
        if (!rolledUp(k) && !emit(k, *info)) return false;
        if (full_stop_) return false;
        continue;
      }
      // Every key under the directory starts with k ("name/").
      if (!k.starts_with(q_.prefix) && !q_.prefix.starts_with(k)) continue;
      if (k <= q_.after && !q_.after.starts_with(k)) continue;  // the whole subtree is before the marker
      if (k.starts_with(q_.prefix)) {
        if (rolledUp(k)) {
          if (full_stop_) return false;
          continue;
        }
        if (k > q_.after && s_.is_marker(*info) && !emit(k, *info)) return false;
      }
      auto more = dir(k);
      if (!more) return makeError(more.error());
      if (!*more) return false;
    }
    return true;
  }

  ListPage take() { return std::move(page_); }

 private:
  // With a delimiter after the prefix, `k` belongs to a common prefix: emitted once. True if rolled up.
  bool rolledUp(const std::string& k) {
    if (q_.delimiter.empty()) return false;
    size_t pos = k.find(q_.delimiter, q_.prefix.size());
    if (pos == std::string::npos) return false;
    std::string cp = k.substr(0, pos + q_.delimiter.size());
    if (cp <= q_.after || (!page_.prefixes.empty() && page_.prefixes.back() == cp)) return true;
    if (!room()) return true;
    page_.prefixes.push_back(cp);
    page_.last = cp;
    return true;
  }
  bool emit(const std::string& k, const proto::FileInfo& info) {
    if (!room()) return false;
    page_.objects.push_back({k, info});
    page_.last = k;
    return true;
  }
  bool room() {
    if (page_.objects.size() + page_.prefixes.size() < q_.max_keys) return true;
    page_.truncated = true;
    full_stop_ = true;
    return false;
  }

  const ListQuery& q_;
  const ListSource& s_;
  ListPage page_;
  bool full_stop_ = false;
};

}  // namespace

Result<ListPage> listKeys(const ListQuery& q, const ListSource& source) {
  Walk walk(q, source);
  // The deepest directory the prefix names whole ("a/b/" of "a/b/c").
  size_t slash = q.prefix.rfind('/');
  std::string start = slash == std::string::npos ? "" : q.prefix.substr(0, slash + 1);
  auto r = walk.dir(start);
  if (!r) return makeError(r.error());
  return walk.take();
}

}  // namespace shoal::s3
