// The test Ceph that `scripts/test-ceph.sh` runs, as a test sees it. CTest starts the cluster
// (fixture "ceph") and gives the tests that need it TEST_CEPH_DIR and SHOAL_SOURCE_DIR; the
// addresses and keys come from the script's own `env` output, so they are defined in one place.
// Header-only, for tests.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace shoal::testing {

struct TestCeph {
  std::map<std::string, std::string> env;  // CEPH_CONF, S3_ENDPOINT, AWS_ACCESS_KEY_ID, ...
  std::string script;                      // path of scripts/test-ceph.sh
  const std::string& get(const std::string& key) const {
    static const std::string empty;
    auto it = env.find(key);
    return it == env.end() ? empty : it->second;
  }
  std::string conf() const { return get("CEPH_CONF"); }
  std::string s3Endpoint() const { return get("S3_ENDPOINT"); }
  // `command` prefixed with the export lines, for shell commands that use ceph or aws tools.
  std::string shell(const std::string& command) const {
    std::string out;
    for (const auto& [k, v] : env) out += "export " + k + "='" + v + "'; ";
    return out + command;
  }
};

// nullopt when the tests were not started by CTest with the fixture (TEST_CEPH_DIR unset). With
// TEST_CEPH_DIR set, a script that reports no cluster is a test failure, never a quiet skip.
inline std::optional<TestCeph> testCeph() {
  const char* dir = std::getenv("TEST_CEPH_DIR");
  const char* src = std::getenv("SHOAL_SOURCE_DIR");
  if (!dir || !*dir || !src || !*src) return std::nullopt;
  TestCeph out;
  out.script = std::string(src) + "/scripts/test-ceph.sh";
  FILE* p = ::popen((out.script + " env").c_str(), "r");
  if (!p) return std::nullopt;
  char line[1024];
  while (std::fgets(line, sizeof(line), p)) {
    std::string l(line);
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    if (l.rfind("export ", 0) != 0) continue;
    size_t eq = l.find('=');
    if (eq == std::string::npos) continue;
    out.env[l.substr(7, eq - 7)] = l.substr(eq + 1);
  }
  int status = ::pclose(p);
  if (out.conf().empty()) {
    ADD_FAILURE() << "TEST_CEPH_DIR=" << dir << " is set but `" << out.script << " env` printed no CEPH_CONF (exit status "
                  << status << "): the test Ceph did not start; see " << dir;
    return std::nullopt;
  }
  return out;
}

}  // namespace shoal::testing
