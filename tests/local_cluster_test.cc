// `shoal local up|down` as a user runs them: a master and a worker start in the background over a
// local directory, serve reads, refuse a second `up`, and `down` stops exactly those processes.
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

#include "harness/master_cluster.h"
#include "testing/free_port.h"

namespace shoal::testing {
namespace {

bool alive(const std::string& pid_file) {
  std::ifstream in(pid_file);
  long pid = 0;
  if (!(in >> pid)) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  return line[line.rfind(')') + 2] != 'Z';
}

TEST(LocalClusterTest, UpServesReadsAndDownStopsIt) {
  TempDir dir("shoal-local-it");
  TempDir shm_parent("shoal-local-shm");
  std::vector<std::string> conf{
      "-Dshoal.master.rpc.port=" + std::to_string(freeLoopbackPort()),
      "-Dshoal.worker.rpc.port=" + std::to_string(freeLoopbackPort()),
      "-Dshoal.worker.data.port=0",
      "-Dshoal.master.web.port=" + std::to_string(freeLoopbackPort()),
      "-Dshoal.worker.web.port=" + std::to_string(freeLoopbackPort()),
      "-Dshoal.worker.tier.mem.dir=" + shm_parent.sub("mem"),
      "-Dshoal.worker.domain.socket.dir=" + dir.path(),
  };
  auto shoal = [&](std::vector<std::string> args) {
    args.insert(args.begin(), shoalBinary());
    args.insert(args.end(), conf.begin(), conf.end());
    return runCommand(args);
  };
  std::string home = dir.sub("home");
  auto up = shoal({"local", "up", "--dir", home});
  ASSERT_EQ(up.exit_code, 0) << up.err << up.out;
  EXPECT_NE(up.out.find("Shoal master running"), std::string::npos) << up.out;
  EXPECT_NE(up.out.find("Shoal worker running"), std::string::npos) << up.out;
  EXPECT_TRUE(alive(home + "/master.pid"));
  EXPECT_TRUE(alive(home + "/worker.pid"));

  std::ofstream(home + "/data/hello.txt") << "hello, shoal\n";
  auto cat = shoal({"fs", "cat", "/hello.txt"});
  EXPECT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_EQ(cat.out, "hello, shoal\n");

  auto again = shoal({"local", "up", "--dir", home});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already running"), std::string::npos) << again.err;
  EXPECT_TRUE(alive(home + "/master.pid")) << "a refused second `up` must leave the running cluster alone";
  // Another directory on the same ports: refused before anything starts (the running master
  // would otherwise answer for the new one, which cannot bind).
  std::string other = dir.sub("other");
  auto clash = shoal({"local", "up", "--dir", other});
  EXPECT_EQ(clash.exit_code, 1) << clash.out;
  EXPECT_NE(clash.err.find("already answers on"), std::string::npos) << clash.err;
  EXPECT_FALSE(std::filesystem::exists(other + "/master.pid"));

  auto down = shoal({"local", "down", "--dir", home});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_NE(down.out.find("Stopped the local worker"), std::string::npos) << down.out;
  EXPECT_NE(down.out.find("Stopped the local master"), std::string::npos) << down.out;
  EXPECT_FALSE(std::filesystem::exists(home + "/master.pid"));
  auto twice = shoal({"local", "down", "--dir", home});
  EXPECT_EQ(twice.exit_code, 0);
  EXPECT_NE(twice.out.find("No local master is running"), std::string::npos) << twice.out;
}

}  // namespace
}  // namespace shoal::testing
