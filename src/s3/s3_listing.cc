#include "s3/s3_listing.h"

#include <algorithm>

namespace shoal::s3 {
namespace {

// The greatest name below `p` ("" for none): with names at most 255 bytes, `p` with its last byte
// decremented and filled up with 0xff. Names > it are exactly the names >= p.
std::string before(std::string_view p) {
  if (p.empty()) return {};
  std::string b(p.substr(0, p.size() - 1));
  unsigned char last = static_cast<unsigned char>(p.back());
  if (last == 0) return b;
  b.push_back(static_cast<char>(last - 1));
  if (b.size() < 255) b.append(255 - b.size(), '\xff');
  return b;
}

class Walk {
 public:
  Walk(const ListQuery& q, const ListSource& s) : q_(q), s_(s) {}

  // The keys under `dir_key` in S3 order. False once the page is full (the walk stops).
  //
  // The master lists names in name order, but S3 orders a directory "a" as "a/": after the
  // siblings "a-b" and "a.txt" that follow it by name. A directory is therefore held back until
  // the first name whose key sorts after its own; the ones held back are prefixes of the current
  // name, so at most a path's length of them wait at a time.
  Result<bool> dir(const std::string& dir_key) {
    // Only the start directory is narrower than the prefix; its names must begin with the rest.
    const std::string name_prefix = q_.prefix.size() > dir_key.size() ? q_.prefix.substr(dir_key.size()) : "";
    std::string start = before(name_prefix);
    if (!q_.after.empty() && q_.after >= dir_key) {
      if (!q_.after.starts_with(dir_key)) return true;  // the whole directory is before the marker
      // Names whose keys can follow the marker begin with its part up to the first byte <= '/'
      // (a directory "a" sorts as "a/", so it may follow a marker "a-b" or "a.txt").
      std::string_view rest = std::string_view(q_.after).substr(dir_key.size());
      size_t j = 0;
      while (j < rest.size() && static_cast<unsigned char>(rest[j]) > '/') ++j;
      start = std::max(start, before(rest.substr(0, j)));
    }
    std::vector<std::pair<std::string, proto::FileInfo>> held;  // directories, by key
    bool going = true;
    Status failed;
    auto step = [&](Result<bool> r) {
      if (!r) failed = r.error();
      going = r && *r;
      return going;
    };
    // Directories whose keys sort before `key` go now.
    auto release = [&](const std::string* key) {
      while (!held.empty() && (key == nullptr || held.front().first < *key)) {
        auto [k, info] = std::move(held.front());
        held.erase(held.begin());
        if (!step(subdir(k, info))) return false;
      }
      return true;
    };
    Status st = s_.list(dir_key, start, [&](const std::vector<proto::FileInfo>& entries) {
      for (const proto::FileInfo& e : entries) {
        const std::string& name = e.name();
        if (!name.starts_with(name_prefix)) {
          if (name > name_prefix) return false;  // past every name the prefix allows
          continue;
        }
        if (std::string_view(name).starts_with(kHiddenPrefix)) continue;
        std::string k = dir_key + name + (e.is_dir() ? "/" : "");
        if (!release(&k)) return false;
        if (e.is_dir()) {
          auto at = std::lower_bound(held.begin(), held.end(), k, [](const auto& h, const std::string& x) { return h.first < x; });
          held.emplace(at, std::move(k), e);
        } else if (!step(file(k, e))) {
          return false;
        }
      }
      return true;
    });
    if (!failed.isOk()) return makeError(failed);
    if (!st && st.code() != StatusCode::kNotFound && st.code() != StatusCode::kNotADirectory) return makeError(st);
    if (!going) return false;
    release(nullptr);
    if (!failed.isOk()) return makeError(failed);
    return going;
  }

  ListPage take() { return std::move(page_); }

 private:
  Result<bool> file(const std::string& k, const proto::FileInfo& info) {
    if (!k.starts_with(q_.prefix) || k <= q_.after) return true;
    if (!rolledUp(k) && !emit(k, info)) return false;
    return !full_stop_;
  }

  // `k` is "name/": every key under the directory starts with it.
  Result<bool> subdir(const std::string& k, const proto::FileInfo& info) {
    if (!k.starts_with(q_.prefix) && !q_.prefix.starts_with(k)) return true;
    if (k <= q_.after && !q_.after.starts_with(k)) return true;  // the whole subtree is before the marker
    if (k.starts_with(q_.prefix)) {
      if (rolledUp(k)) return !full_stop_;
      if (k > q_.after && s_.is_marker(info) && !emit(k, info)) return false;
    }
    return dir(k);
  }

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
