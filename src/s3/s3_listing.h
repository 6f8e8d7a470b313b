// S3's listing over a directory tree: the keys of a bucket in S3's order (byte order of the whole
// key, so a directory "a" sorts as "a/" among its siblings), filtered by prefix, after a marker,
// rolled up at a delimiter into common prefixes, at most max_keys of both together. The walk
// visits only the directories that can hold keys of the page: with the delimiter "/" only the
// prefix's own directory, and in each directory only the names from the marker on: the cost is
// O(page), and memory holds one listing page per directory level, however large the directory.
// Directories are never keys, except one a client made as "dir/". Pure over a paged
// directory-listing function.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common.pb.h"
#include "common/status.h"

namespace shoal::s3 {

struct ListQuery {
  std::string prefix;
  std::string delimiter;
  std::string after;  // keys and prefixes <= after are skipped (start-after, marker, continuation)
  size_t max_keys = 1000;
};

struct ListedKey {
  std::string key;
  proto::FileInfo info;
};

struct ListPage {
  std::vector<ListedKey> objects;
  std::vector<std::string> prefixes;
  bool truncated = false;
  std::string last;  // the greatest key or prefix in the page: where the next page starts
};

struct ListSource {
  using Page = std::function<bool(const std::vector<proto::FileInfo>&)>;
  // The entries of a directory ("" for the bucket's root, else "a/b/") whose names are > start_after,
  // in name order, handed to `page` a page at a time until it returns false. NotFound and
  // NotADirectory list nothing.
  std::function<Status(const std::string& dir_key, const std::string& start_after, const Page& page)> list;
  // A directory that is also the key "dir/" (a marker a client made).
  std::function<bool(const proto::FileInfo& dir)> is_marker;
};

// Names the gateway keeps for itself (uploads in flight): never listed.
inline constexpr std::string_view kHiddenPrefix = ".shoal-s3-";

Result<ListPage> listKeys(const ListQuery& q, const ListSource& source);

}  // namespace shoal::s3
