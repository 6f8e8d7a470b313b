// The ports tests give their servers must not be ones the kernel hands out as the local port of
// an outgoing connection: worker_edges_it once failed to bind its worker's web port because a
// gRPC connection had taken it between freeLoopbackPort() and the worker's bind.
#include <fstream>
#include <gtest/gtest.h>
#include <set>

#include "testing/free_port.h"

namespace shoal::testing {
namespace {

TEST(FreeLoopbackPort, IsOutsideTheEphemeralRangeAndNotHandedOutTwice) {
  int lo = 32768, hi = 60999;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> lo >> hi;
  std::set<int> seen;
  for (int i = 0; i < 200; ++i) {
    int p = freeLoopbackPort();
    ASSERT_GT(p, 0);
    EXPECT_TRUE(p < lo || p > hi) << p << " is in the ephemeral range " << lo << "-" << hi;
    EXPECT_TRUE(seen.insert(p).second) << p << " handed out twice";
  }
}

}  // namespace
}  // namespace shoal::testing
