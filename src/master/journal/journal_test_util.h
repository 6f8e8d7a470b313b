// Helpers shared by the journal tests: entries to submit, and a dump of a state machine's
// namespace that two replicas must agree on. Header-only, for tests.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "common/path.h"
#include "master/journal/state_machine.h"

namespace shoal::master::testing {

inline proto::JournalEntry mkdirEntry(const std::string& p) {
  proto::JournalEntry je;
  je.mutable_mkdir()->set_path(p);
  je.mutable_mkdir()->set_recursive(true);
  je.mutable_mkdir()->set_mode(0755);
  je.mutable_mkdir()->set_owner("o");
  return je;
}

// Every path with its inode id, in a stable order: two equal dumps mean equal namespaces.
inline std::vector<std::string> dump(const StateMachine& sm) {
  std::vector<std::string> out;
  sm.read([&](const Namespace& ns) {
    std::vector<std::pair<std::string, InodeId>> stack{{"/", ns.store().rootId()}};
    while (!stack.empty()) {
      auto [path, id] = stack.back();
      stack.pop_back();
      out.push_back(path + "#" + std::to_string(id));
      std::vector<Inode> kids;
      bool more = false;
      ns.store().listChildren(id, "", SIZE_MAX, &kids, &more);
      for (const auto& k : kids) stack.emplace_back(joinPath(path, k.name), k.id);
    }
    return 0;
  });
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace shoal::master::testing
