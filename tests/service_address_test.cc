// Service addresses by host name or by interface (shoal.*.hostname, shoal.*.network.interface),
// with real processes: a master on the loopback interface's address, one worker named
// "localhost" and one on the loopback interface; a file written through the CLI reads back whole
// through both, and each worker is listed under the address it was given. Bad choices stop the
// process at start-up with an error that names the key and the cause.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <set>

#include "stubs/worker_registry_client.h"
#include "harness/master_cluster.h"
#include "testing/random_bytes.h"

namespace shoal::testing {
namespace {

TEST(ServiceAddress, WorkersByHostNameAndByInterfaceServeReads) {
  TempDir store("shoal-address-store");
  MasterUnderTest master({"shoal.master.network.interface=lo"});
  ASSERT_TRUE(master.start()) << master.log();
  EXPECT_NE(master.log().find("master serving on 127.0.0.1:" + std::to_string(master.port())), std::string::npos)
      << master.log();
  ASSERT_EQ(master.cli({"fs", "mount", "/", "file://" + store.path()}).exit_code, 0);
  WorkerUnderTest by_name(master, {"shoal.worker.hostname=localhost"});
  ASSERT_TRUE(by_name.start()) << by_name.log();
  WorkerUnderTest by_interface(master, {"shoal.worker.network.interface=lo"});
  ASSERT_TRUE(by_interface.start()) << by_interface.log();
  EXPECT_EQ(by_name.address().rfind("localhost:", 0), 0u) << by_name.address();
  EXPECT_EQ(by_interface.address().rfind("127.0.0.1:", 0), 0u) << by_interface.address();

  stubs::WorkerRegistryClient registry(master.address(), 5000);
  auto ws = registry.workers(false);
  ASSERT_TRUE(ws) << ws.error().toString();
  std::set<std::string> listed;
  for (const auto& w : *ws) listed.insert(w.address() + " host " + w.host());
  EXPECT_TRUE(listed.count(by_name.address() + " host localhost")) << by_name.address();
  EXPECT_TRUE(listed.count(by_interface.address() + " host 127.0.0.1")) << by_interface.address();

  // Enough pages that the ring gives each worker some; CACHE_THROUGH puts them on their owners.
  const std::string data = randomBytes(16 << 20, 7);
  store.write("in.bin", data);
  auto r = master.cli({"fs", "cp", "--write-type", "MUST_CACHE", "/in.bin", "/copy.bin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = master.cli({"fs", "cat", "/copy.bin"}, {"shoal.user.short.circuit.enabled=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == data) << "read back " << r.out.size() << " bytes of " << data.size();
  EXPECT_GT(workerStats(by_name.address()).cache_hits(), 0u) << "the worker named localhost served no page";
  EXPECT_GT(workerStats(by_interface.address()).cache_hits(), 0u) << "the worker on lo served no page";
}

TEST(ServiceAddress, BadChoicesStopStartUpNamingTheKey) {
  TempDir dir("shoal-address-bad");
  auto master = [&](const std::string& setting) {
    return runCommand({shoalBinary(), "master", "-D" + setting, "-Dshoal.master.rpc.port=" + std::to_string(freePort()),
                       "-Dshoal.master.web.port=-1", "-Dshoal.master.journal.folder=" + dir.sub("j")});
  };
  auto r = master("shoal.master.network.interface=nosuch0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("shoal.master.network.interface: this machine has no interface 'nosuch0' (it has: "),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lo"), std::string::npos) << "the interfaces it has are listed: " << r.err;

  r = runCommand({shoalBinary(), "master", "-Dshoal.master.network.interface=lo", "-Dshoal.master.hostname=127.0.0.1",
                  "-Dshoal.master.rpc.port=" + std::to_string(freePort()), "-Dshoal.master.web.port=-1",
                  "-Dshoal.master.journal.folder=" + dir.sub("j2")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("both shoal.master.hostname (127.0.0.1) and shoal.master.network.interface (lo) are set"),
            std::string::npos) << r.err;

  MasterUnderTest running;
  ASSERT_TRUE(running.start()) << running.log();
  r = runCommand({shoalBinary(), "worker", "-Dshoal.master.rpc.port=" + std::to_string(running.port()),
                  "-Dshoal.worker.hostname=no-such-host.invalid", "-Dshoal.worker.rpc.port=0",
                  "-Dshoal.worker.data.port=0", "-Dshoal.worker.web.port=-1",
                  "-Dshoal.worker.tier.mem.dir=" + dir.sub("mem")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'no-such-host.invalid': the name does not resolve"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("shoal.worker.hostname"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace shoal::testing
