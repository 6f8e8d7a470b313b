#include "s3/s3_listing.h"

#include <algorithm>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <set>

#include "s3/s3_format.h"

namespace shoal::s3 {
namespace {

// A directory tree from a set of file keys (and marker directories), listed as the master lists
// it: names in order, from a start name, a few at a time. `served` counts the entries handed out.
struct Tree {
  std::set<std::string> files;
  std::set<std::string> markers;  // "dir/"
  size_t page_size = 2;
  mutable size_t served = 0;
  ListSource source() const {
    return {[this](const std::string& dir, const std::string& start_after, const ListSource::Page& page) -> Status {
              std::map<std::string, bool> children;  // name -> is dir
              bool exists = dir.empty();
              for (const auto& f : files) {
                if (!f.starts_with(dir)) continue;
                exists = true;
                std::string rest = f.substr(dir.size());
                size_t slash = rest.find('/');
                children[rest.substr(0, slash)] = slash != std::string::npos;
              }
              for (const auto& m : markers) {
                if (m.starts_with(dir) && m != dir) {
                  exists = true;
                  std::string rest = m.substr(dir.size());
                  children[rest.substr(0, rest.find('/'))] = true;
                }
                if (m == dir) exists = true;
              }
              if (!exists) return Status(StatusCode::kNotFound, dir);
              std::vector<proto::FileInfo> out;
              for (auto it = children.upper_bound(start_after); it != children.end(); ++it) {
                proto::FileInfo f;
                f.set_name(it->first);
                f.set_path("/b/" + dir + it->first);
                f.set_is_dir(it->second);
                out.push_back(f);
                if (out.size() == page_size) {
                  served += out.size();
                  if (!page(out)) return Status::ok();
                  out.clear();
                }
              }
              served += out.size();
              if (!out.empty()) page(out);
              return Status::ok();
            },
            [this](const proto::FileInfo& d) { return markers.count(d.path().substr(3) + "/") > 0; }};
  }
};

// S3's answer computed from the flat key set: the reference.
ListPage reference(const std::set<std::string>& all_keys, const ListQuery& q) {
  ListPage page;
  for (const auto& k : all_keys) {
    if (!k.starts_with(q.prefix) || k <= q.after) continue;
    std::string item = k;
    bool prefix = false;
    if (!q.delimiter.empty()) {
      size_t pos = k.find(q.delimiter, q.prefix.size());
      if (pos != std::string::npos) {
        item = k.substr(0, pos + q.delimiter.size());
        prefix = true;
        if (item <= q.after || (!page.prefixes.empty() && page.prefixes.back() == item)) continue;
      }
    }
    if (page.objects.size() + page.prefixes.size() == q.max_keys) {
      page.truncated = true;
      break;
    }
    if (prefix) page.prefixes.push_back(item);
    else page.objects.push_back({item, {}});
    page.last = item;
  }
  return page;
}

std::vector<std::string> keysOf(const ListPage& p) {
  std::vector<std::string> out;
  for (const auto& o : p.objects) out.push_back(o.key);
  return out;
}

TEST(S3Listing, MatchesS3OrderPrefixesAndPagesOnRandomTrees) {
  std::mt19937 rng(11);
  const std::vector<std::string> parts{"a", "a-b", "a.b", "b", "ab", "z"};
  for (int round = 0; round < 40; ++round) {
    Tree t;
    for (int i = 0; i < 30; ++i) {
      std::string k;
      int depth = 1 + static_cast<int>(rng() % 3);
      for (int d = 0; d < depth; ++d) k += (d ? "/" : "") + parts[rng() % parts.size()];
      // A key cannot be both a file and a directory in a tree.
      bool clash = false;
      for (const auto& f : t.files) clash = clash || f.starts_with(k + "/") || k.starts_with(f + "/") || f == k;
      if (!clash) t.files.insert(k);
    }
    std::set<std::string> all = t.files;
    for (std::string prefix : {"", "a", "a/", "a-", "z/a", "nothing/"}) {
      for (std::string delim : {"", "/", "-"}) {
        for (size_t max : {size_t{1}, size_t{3}, size_t{1000}}) {
          // Page through; every page must be the reference page from the same marker.
          ListQuery q{prefix, delim, "", max};
          for (int pages = 0; pages < 100; ++pages) {
            auto page = listKeys(q, t.source());
            ASSERT_TRUE(page) << page.error().toString();
            ListPage want = reference(all, q);
            ASSERT_EQ(keysOf(*page), keysOf(want)) << "prefix=" << prefix << " delim=" << delim << " after=" << q.after;
            ASSERT_EQ(page->prefixes, want.prefixes) << "prefix=" << prefix << " delim=" << delim;
            ASSERT_EQ(page->truncated, want.truncated);
            if (!page->truncated) break;
            q.after = page->last;
          }
          // A start-after that is no key of the page walk, from anywhere in the key space.
          for (int i = 0; i < 5; ++i) {
            std::string after = parts[rng() % parts.size()];
            if (rng() % 2) after += (rng() % 2 ? "/" : "-") + parts[rng() % parts.size()];
            ListQuery q2{prefix, delim, after, max};
            auto page = listKeys(q2, t.source());
            ASSERT_TRUE(page);
            ListPage want = reference(all, q2);
            ASSERT_EQ(keysOf(*page), keysOf(want)) << "prefix=" << prefix << " delim=" << delim << " after=" << after;
            ASSERT_EQ(page->prefixes, want.prefixes) << "after=" << after;
          }
        }
      }
    }
  }
}

// A page from the middle of a large directory reads the entries of that page, not the directory:
// the source hands out only what follows the marker, and the walk stops when the page is full.
TEST(S3Listing, APageCostsThePageNotTheDirectory) {
  Tree t;
  t.page_size = 100;
  for (int i = 0; i < 20000; ++i) t.files.insert(fmt::format("big/k{:06}", i));
  t.files.insert("big/k010000.sub/x");  // a directory that sorts among the keys
  auto page = listKeys(ListQuery{"big/", "", "big/k010000", 5}, t.source());
  ASSERT_TRUE(page);
  EXPECT_EQ(keysOf(*page),
            (std::vector<std::string>{"big/k010000.sub/x", "big/k010001", "big/k010002", "big/k010003", "big/k010004"}));
  EXPECT_TRUE(page->truncated);
  EXPECT_LE(t.served, 2 * t.page_size + 5);
  t.served = 0;
  page = listKeys(ListQuery{"big/k0199", "", "", 1000}, t.source());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->objects.size(), 100u);
  EXPECT_FALSE(page->truncated);
  EXPECT_LE(t.served, 2 * t.page_size + 5);
}

TEST(S3Listing, DirectoriesAreKeysOnlyAsMarkersAndHiddenNamesNeverShow) {
  Tree t;
  t.files = {"d/x", "e/.shoal-s3-put-1234", ".shoal-s3-put-9"};
  t.markers = {"m/", "d/"};
  auto page = listKeys(ListQuery{}, t.source());
  ASSERT_TRUE(page);
  EXPECT_EQ(keysOf(*page), (std::vector<std::string>{"d/", "d/x", "m/"}));
  page = listKeys(ListQuery{"", "/", "", 1000}, t.source());
  EXPECT_TRUE(keysOf(*page).empty());
  EXPECT_EQ(page->prefixes, (std::vector<std::string>{"d/", "e/", "m/"}));
}

TEST(S3Format, TokensRoundTripAndForgeriesAreRefused) {
  std::string secret = "0123456789abcdef0123456789abcdef";
  std::string t = encodeToken("dir/key with spaces/ü", secret);
  EXPECT_EQ(decodeToken(t, secret), "dir/key with spaces/ü");
  EXPECT_FALSE(decodeToken(t, "another secret"));
  EXPECT_FALSE(decodeToken("Zm9yZ2Vk", secret));
  EXPECT_FALSE(decodeToken("", secret));
  std::string tampered = t;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(decodeToken(tampered, secret) == "dir/key with spaces/ü");
  EXPECT_EQ(parseHttpDate(httpDate(1'700'000'000'000)), 1'700'000'000'000);
  EXPECT_EQ(iso8601(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
}

}  // namespace
}  // namespace shoal::s3
