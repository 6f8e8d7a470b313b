#include "common/units.h"

#include <gtest/gtest.h>

namespace shoal {

TEST(Units, ParsesSizesWithUnits) {
  EXPECT_EQ(*parseBytes("0"), 0u);
  EXPECT_EQ(*parseBytes("512"), 512u);
  EXPECT_EQ(*parseBytes("64MB"), 64ull << 20);
  EXPECT_EQ(*parseBytes("4GiB"), 4ull << 30);
  EXPECT_EQ(*parseBytes(" 1.5k "), 1536u);
  EXPECT_EQ(*parseBytes("2tb"), 2ull << 40);
}

TEST(Units, RejectsBadSizesNamingTheCause) {
  auto neg = parseBytes("-1MB");
  ASSERT_FALSE(neg);
  EXPECT_NE(neg.error().message().find("negative"), std::string::npos);
  auto unit = parseBytes("12 parsecs");
  ASSERT_FALSE(unit);
  EXPECT_NE(unit.error().message().find("unknown unit 'parsecs'"), std::string::npos);
  EXPECT_FALSE(parseBytes(""));
  EXPECT_FALSE(parseBytes("MB"));
  EXPECT_FALSE(parseBytes("1.2.3MB"));
  EXPECT_FALSE(parseBytes("99999999999TB"));
}

TEST(Units, ParsesDurations) {
  EXPECT_EQ(*parseDurationMs("10min"), 600000);
  EXPECT_EQ(*parseDurationMs("200ms"), 200);
  EXPECT_EQ(*parseDurationMs("30s"), 30000);
  EXPECT_EQ(*parseDurationMs("2h"), 7200000);
  EXPECT_EQ(*parseDurationMs("1d"), 86400000);
  EXPECT_EQ(*parseDurationMs("-1"), -1);
  EXPECT_EQ(*parseDurationMs("250"), 250);
  EXPECT_FALSE(parseDurationMs("10 fortnights"));
  EXPECT_FALSE(parseDurationMs("soon"));
}

TEST(Units, FormatsHumanSizes) {
  EXPECT_EQ(humanBytes(532), "532B");
  EXPECT_EQ(humanBytes(1536), "1.5K");
  EXPECT_EQ(humanBytes(2ull << 30), "2.0G");
  EXPECT_EQ(formatDurationMs(600000), "10min");
  EXPECT_EQ(formatDurationMs(1500), "1500ms");
}

TEST(Units, ParsesIntegersStrictly) {
  EXPECT_EQ(*parseInt("19998"), 19998);
  EXPECT_FALSE(parseInt("19998x"));
  EXPECT_FALSE(parseInt(""));
  EXPECT_FALSE(parseInt("99999999999999999999999"));
}

}  // namespace shoal
