#include "common/configuration.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace shoal {
namespace {

using testing::TempDir;

TEST(Configuration, DefaultsAreDeclaredAndValid) {
  Configuration conf;
  EXPECT_EQ(conf.getInt(keys::kMasterRpcPort), 19998);
  EXPECT_EQ(conf.getInt(keys::kMasterWebPort), 19999);
  EXPECT_EQ(conf.getString(keys::kMasterHostname), "127.0.0.1");
  EXPECT_EQ(conf.getString(keys::kMasterMetastore), "heap");
  EXPECT_EQ(conf.getDurationMs(keys::kUserMetadataSyncInterval), -1);
  for (const auto& k : allPropertyKeys()) {
    EXPECT_TRUE(validatePropertyValue(k, k.default_value).isOk()) << k.name;
    EXPECT_FALSE(k.description.empty()) << k.name;
  }
}

TEST(Configuration, SiteFileThenOverrides) {
  TempDir dir;
  dir.write("shoal-site.properties",
            "# comment\n! also a comment\n\nshoal.master.rpc.port = 20001\n"
            "shoal.user.file.metadata.sync.interval=10min\n");
  auto conf = Configuration::load(dir.path(), {"shoal.master.rpc.port=20002"});
  ASSERT_TRUE(conf) << conf.error().toString();
  EXPECT_EQ(conf->getInt(keys::kMasterRpcPort), 20002);
  EXPECT_EQ(conf->sourceOf(keys::kMasterRpcPort), ValueSource::kOverride);
  EXPECT_EQ(conf->getDurationMs(keys::kUserMetadataSyncInterval), 600000);
  EXPECT_EQ(conf->sourceOf(keys::kUserMetadataSyncInterval), ValueSource::kSiteFile);
}

TEST(Configuration, UnknownKeyInSiteFileNamesKeyAndFile) {
  TempDir dir;
  dir.write("shoal-site.properties", "shoal.master.rcp.port=1\n");
  auto conf = Configuration::load(dir.path(), {});
  ASSERT_FALSE(conf);
  EXPECT_NE(conf.error().message().find("unknown configuration key 'shoal.master.rcp.port'"), std::string::npos);
  EXPECT_NE(conf.error().message().find("shoal-site.properties"), std::string::npos);
}

TEST(Configuration, MalformedLineNamesFileAndLine) {
  TempDir dir;
  dir.write("shoal-site.properties", "shoal.master.rpc.port=1\nthis line has no equals sign\n");
  auto conf = Configuration::load(dir.path(), {});
  ASSERT_FALSE(conf);
  EXPECT_NE(conf.error().message().find("shoal-site.properties:2"), std::string::npos) << conf.error().message();
}

TEST(Configuration, BadValuesNameTheKeyAndTheRule) {
  struct Case {
    std::string override;
    std::string expect;
  };
  for (const auto& c : std::vector<Case>{
           {"shoal.master.rpc.port=70000", "at most 65535"},
           {"shoal.master.rpc.port=abc", "not an integer"},
           {"shoal.user.file.metadata.sync.interval=-5", "only -1"},
           {"shoal.user.file.metadata.sync.interval=10 lightyears", "unknown unit"},
           {"shoal.master.metastore=mysql", "must be one of heap"},
           {"shoal.log.level=loud", "must be one of"},
           {"noequals", "expected -Dkey=value"},
       }) {
    auto conf = Configuration::load("", {c.override});
    ASSERT_FALSE(conf) << c.override;
    EXPECT_NE(conf.error().message().find(c.expect), std::string::npos) << conf.error().message();
    if (c.override.find('=') != std::string::npos) {
      EXPECT_NE(conf.error().message().find(c.override.substr(0, c.override.find('='))), std::string::npos)
          << conf.error().message();
    }
  }
}

TEST(Configuration, MissingSiteFileIsNotAnError) {
  TempDir dir;
  auto conf = Configuration::load(dir.path(), {});
  ASSERT_TRUE(conf);
  EXPECT_EQ(conf->sourceOf(keys::kMasterRpcPort), ValueSource::kDefault);
}

}  // namespace
// A getter of the wrong type once parsed "10s" as an int through an empty Result (undefined
// behaviour); now it is a bug report naming the key and its type.
TEST(ConfigurationDeathTest, AGetterOfAnotherTypeIsABugThatNamesTheKey) {
  auto conf = Configuration::load("", {});
  ASSERT_TRUE(conf);
  EXPECT_DEATH((void)conf->getInt(keys::kUserRpcTimeout), "shoal.user.rpc.timeout' is a duration");
  EXPECT_DEATH((void)conf->getBytes(keys::kMasterRpcPort), "is a int");
  EXPECT_DEATH((void)conf->getInt("shoal.no.such.key"), "is not declared");
  EXPECT_GT(conf->getDurationMs(keys::kUserRpcTimeout), 0);
}

}  // namespace shoal
