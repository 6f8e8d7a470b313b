// The run-time configuration: a version is taken whole or not at all, -D values stay, path rules
// apply longest prefix first, and listeners hear only about the keys that changed.
#include "common/live_config.h"

#include <gtest/gtest.h>

#include "common/path_value.h"

namespace shoal {
namespace {

Configuration withOverride(const std::string& kv) {
  auto c = Configuration::load("", {kv});
  EXPECT_TRUE(c.has_value());
  return *c;
}

TEST(LiveConfig, AppliesClusterValuesAndKeepsDashDValues) {
  LiveConfig live(withOverride("shoal.user.file.readahead.pages=3"));
  ASSERT_TRUE(live.update(1, {{"shoal.log.level", "debug", ""}, {"shoal.user.file.readahead.pages", "9", ""}}).isOk());
  auto s = live.current();
  EXPECT_EQ(s->version, 1u);
  EXPECT_EQ(s->conf->getString("shoal.log.level"), "debug");
  EXPECT_EQ(s->conf->sourceOf("shoal.log.level"), ValueSource::kCluster);
  EXPECT_EQ(s->conf->getInt("shoal.user.file.readahead.pages"), 3) << "a -D value wins over the cluster's";
  // An older or equal version changes nothing.
  ASSERT_TRUE(live.update(1, {}).isOk());
  EXPECT_EQ(live.current()->conf->getString("shoal.log.level"), "debug");
}

TEST(LiveConfig, ABadRuleRejectsTheWholeVersion) {
  LiveConfig live{Configuration()};
  ASSERT_TRUE(live.update(1, {{"shoal.log.level", "warn", ""}}).isOk());
  for (auto bad : std::vector<ConfRuleValue>{{"shoal.user.file.readahead.pages", "many", ""},
                                             {"shoal.master.rpc.port", "1", ""},
                                             {"shoal.no.such.key", "1", ""},
                                             {"shoal.log.level", "info", "/data"}}) {
    Status st = live.update(2, {{"shoal.log.level", "error", ""}, bad});
    EXPECT_FALSE(st.isOk()) << bad.key;
    EXPECT_NE(st.message().find(bad.key), std::string::npos) << st.message();
    EXPECT_EQ(live.version(), 1u);
    EXPECT_EQ(live.current()->conf->getString("shoal.log.level"), "warn") << "nothing of the refused version applies";
  }
}

TEST(LiveConfig, PathRulesLongestPrefixWins) {
  LiveConfig live{Configuration()};
  ASSERT_TRUE(live.update(1, {{"shoal.user.file.writetype.default", "THROUGH", ""},
                              {"shoal.user.file.writetype.default", "MUST_CACHE", "/data"},
                              {"shoal.user.file.writetype.default", "CACHE_THROUGH", "/data/keep"}})
                  .isOk());
  auto s = live.current();
  EXPECT_EQ(s->forPath("/other").getString("shoal.user.file.writetype.default"), "THROUGH");
  EXPECT_EQ(s->forPath("/data/x").getString("shoal.user.file.writetype.default"), "MUST_CACHE");
  EXPECT_EQ(s->forPath("/data/keep/y").getString("shoal.user.file.writetype.default"), "CACHE_THROUGH");
  EXPECT_EQ(s->forPath("/database").getString("shoal.user.file.writetype.default"), "THROUGH") << "a prefix is a path";
  auto typed = PathValue<std::string>::build(*s, "shoal.user.file.writetype.default",
                                             [](const Configuration& c) { return c.getString("shoal.user.file.writetype.default"); });
  EXPECT_EQ(typed.at("/data/keep/y"), "CACHE_THROUGH");
  EXPECT_EQ(typed.at("/data/z"), "MUST_CACHE");
  EXPECT_EQ(typed.at("/"), "THROUGH");
}

TEST(LiveConfig, ListenersHearOnlyTheirKeys) {
  LiveConfig live{Configuration()};
  int log_calls = 0, readahead_calls = 0;
  auto a = live.listen({"shoal.log.level"}, [&](const LiveConfig::Snapshot&) { ++log_calls; });
  auto b = live.listen({"shoal.user.file.readahead.pages"}, [&](const LiveConfig::Snapshot&) { ++readahead_calls; });
  ASSERT_TRUE(live.update(1, {{"shoal.log.level", "warn", ""}}).isOk());
  ASSERT_TRUE(live.update(2, {{"shoal.log.level", "warn", ""}, {"shoal.user.file.readahead.pages", "1", "/d"}}).isOk());
  EXPECT_EQ(log_calls, 1);
  EXPECT_EQ(readahead_calls, 1) << "a new path rule is a change of its key";
  b.reset();
  ASSERT_TRUE(live.update(3, {}).isOk());
  EXPECT_EQ(log_calls, 2) << "removing the cluster value is a change back to the process's own";
  EXPECT_EQ(readahead_calls, 1) << "an unregistered listener is not called";
}

}  // namespace
}  // namespace shoal
