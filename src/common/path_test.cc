#include "common/path.h"

#include <gtest/gtest.h>

namespace shoal {

TEST(Path, NormalisesSlashesDotsAndTrailingSlash) {
  EXPECT_EQ(*normalizePath("/"), "/");
  EXPECT_EQ(*normalizePath("//"), "/");
  EXPECT_EQ(*normalizePath("/a//b/"), "/a/b");
  EXPECT_EQ(*normalizePath("/./a/./b/."), "/a/b");
  EXPECT_EQ(*normalizePath("/a/b///c"), "/a/b/c");
  EXPECT_EQ(*normalizePath("/with space/ünï"), "/with space/ünï");
}

TEST(Path, RejectsHostilePaths) {
  for (std::string bad : {"", "a/b", "../etc", "/a/../b", "/..", "/a/.."}) {
    auto r = normalizePath(bad);
    EXPECT_FALSE(r) << "'" << bad << "' was accepted";
    if (!r) {
      EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    }
  }
  std::string nul = std::string("/a") + '\0' + "b";
  EXPECT_FALSE(normalizePath(nul));
  auto long_name = normalizePath("/" + std::string(256, 'x'));
  ASSERT_FALSE(long_name);
  EXPECT_NE(long_name.error().message().find("256 bytes"), std::string::npos);
  EXPECT_TRUE(normalizePath("/" + std::string(255, 'x')));
  EXPECT_FALSE(normalizePath("/" + std::string(5000, 'a')));
}

TEST(Path, ComponentsParentAndBase) {
  auto c = pathComponents("/a/bb/c");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[1], "bb");
  EXPECT_TRUE(pathComponents("/").empty());
  EXPECT_EQ(parentPath("/a/b"), "/a");
  EXPECT_EQ(parentPath("/a"), "/");
  EXPECT_EQ(parentPath("/"), "/");
  EXPECT_EQ(baseName("/a/b"), "b");
  EXPECT_EQ(joinPath("/", "x"), "/x");
  EXPECT_EQ(joinPath("/a", "x"), "/a/x");
}

TEST(Path, SameOrUnderRespectsComponentBoundaries) {
  EXPECT_TRUE(isSameOrUnder("/a/b", "/a"));
  EXPECT_TRUE(isSameOrUnder("/a", "/a"));
  EXPECT_TRUE(isSameOrUnder("/anything", "/"));
  EXPECT_FALSE(isSameOrUnder("/ab", "/a"));
  EXPECT_FALSE(isSameOrUnder("/a", "/a/b"));
}

TEST(Path, ValidatesNames) {
  EXPECT_TRUE(validateName("ok.txt").isOk());
  EXPECT_FALSE(validateName("").isOk());
  EXPECT_FALSE(validateName(".").isOk());
  EXPECT_FALSE(validateName("..").isOk());
  EXPECT_FALSE(validateName("a/b").isOk());
  EXPECT_FALSE(validateName(std::string(256, 'n')).isOk());
  EXPECT_FALSE(validateName("line\nbreak").isOk());
  EXPECT_FALSE(validateName(std::string("del") + '\x7f').isOk());
  EXPECT_TRUE(validateName("ünï café").isOk());
}

TEST(Path, RejectsControlCharacters) {
  auto r = normalizePath("/a/b\x1b[2Jc");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("control character 0x1b"), std::string::npos) << r.error().message();
  EXPECT_FALSE(normalizePath("/tab\there"));
}

// The worker's ports and every Ufs entry take only normal forms: whatever normalizePath() would
// change (or refuse) is refused, with the reason.
TEST(Path, CheckNormalizedAcceptsOnlyNormalForms) {
  for (std::string good : {"/", "/a", "/a/b.c", "/with space/ünï", "/..a/b..", "/.hidden"}) {
    EXPECT_TRUE(checkNormalized(good).isOk()) << good << ": " << checkNormalized(good).toString();
    EXPECT_EQ(*normalizePath(good), good);
  }
  struct Case {
    std::string path;
    std::string why;
  };
  for (const Case& c : std::vector<Case>{{"", "empty path"},
                                        {"a/b", "not absolute"},
                                        {"/../outside.txt", "contains '..'"},
                                        {"/a/..", "contains '..'"},
                                        {"/a/./b", "contains '.'"},
                                        {"//a", "empty component"},
                                        {"/a//b", "empty component"},
                                        {"/a/", "ends with '/'"},
                                        {std::string("/a") + '\0' + "b", "control character 0x00"},
                                        {"/a\nb", "control character 0x0a"},
                                        {"/" + std::string(256, 'x'), "256 bytes"},
                                        {"/" + std::string(5000, 'a'), "longer than 4096"}}) {
    Status st = checkNormalized(c.path);
    ASSERT_FALSE(st.isOk()) << "'" << c.path << "' was accepted";
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find(c.why), std::string::npos) << st.message();
  }
}

}  // namespace shoal
