// The docs describe what exists: the configuration reference is exactly what the key
// declarations generate, and --help of each command group names its subcommands.
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "harness/master_cluster.h"

namespace shoal::testing {
namespace {

TEST(CliDocs, ConfigReferenceMatchesDeclaredKeys) {
  auto r = runCommand({shoalBinary(), "conf", "list", "--markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(std::string(SHOAL_SOURCE_DIR) + "/docs/config-reference.md");
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_NE(doc.str().find(r.out), std::string::npos)
      << "docs/config-reference.md is stale: run `make docs` and commit it";
}

TEST(CliDocs, HelpListsEveryCommand) {
  auto fs = runCommand({shoalBinary(), "fs", "--help"});
  EXPECT_EQ(fs.exit_code, 0);
  for (const char* cmd : {"ls", "stat", "mkdir", "rm", "mv", "touch", "test", "count", "du", "mount", "unmount",
                          "chmod", "chown", "cat", "head", "tail", "copyToLocal", "location", "free", "checksum",
                          "copyFromLocal", "cp", "load", "pin", "unpin", "leader"}) {
    EXPECT_NE(fs.out.find(std::string("  ") + cmd), std::string::npos) << cmd << " missing from fs --help";
  }
  auto quorum = runCommand({shoalBinary(), "fsadmin", "journal", "quorum", "--help"});
  for (const char* cmd : {"info", "transferLeader", "add", "remove"}) {
    EXPECT_NE(quorum.out.find(std::string("  ") + cmd), std::string::npos) << cmd << " missing from quorum --help";
  }
  auto journal = runCommand({shoalBinary(), "fsadmin", "journal", "--help"});
  for (const char* cmd : {"quorum", "repair"}) {
    EXPECT_NE(journal.out.find(std::string("  ") + cmd), std::string::npos) << cmd << " missing from journal --help";
  }
  auto top = runCommand({shoalBinary(), "--help"});
  for (const char* cmd : {"fs", "conf", "master", "worker", "fsadmin", "local", "fuse", "bench", "version"}) {
    EXPECT_NE(top.out.find(std::string("  ") + cmd), std::string::npos) << cmd;
  }
  auto bench = runCommand({shoalBinary(), "bench", "--help"});
  EXPECT_EQ(bench.exit_code, 0) << bench.err;
  EXPECT_NE(bench.out.find("shoal-bench"), std::string::npos) << bench.out;
  auto v = runCommand({shoalBinary(), "version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("Shoal ", 0), 0u) << v.out;
}

TEST(CliDocs, ConfGetShowsEffectiveValues) {
  auto r = runCommand({shoalBinary(), "conf", "get", "shoal.master.rpc.port"});
  EXPECT_EQ(r.out, "19998\n");
  r = runCommand({shoalBinary(), "conf", "get", "--source", "shoal.master.rpc.port", "-Dshoal.master.rpc.port=20000"});
  EXPECT_EQ(r.out, "20000  (override)\n");
}

}  // namespace
}  // namespace shoal::testing
