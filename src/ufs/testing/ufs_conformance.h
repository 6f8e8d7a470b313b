// The conformance suite every under-store backend passes. A backend's test file includes this,
// compiles ufs_conformance.cc into its own test binary (gtest's registration must not sit in a
// static library the linker may drop), and instantiates the suite with a factory that returns a
// fresh, empty store root for each test.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ufs/ufs.h"

namespace shoal::ufs::testing {

struct UfsTarget {
  std::string name;
  // A Ufs bound to a new empty directory/prefix; nullptr skips the test (backend unavailable).
  std::function<std::shared_ptr<Ufs>()> make;
};

class UfsConformance : public ::testing::TestWithParam<UfsTarget> {
 protected:
  void SetUp() override;
  std::shared_ptr<Ufs> ufs_;
};

}  // namespace shoal::ufs::testing
