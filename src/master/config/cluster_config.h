// The cluster configuration as journaled state (`shoal conf set`): the rules of the current version
// and the history of accepted changes. Part of the state machine: apply() is deterministic, so every
// replica holds the same versions. Not thread-safe on its own (the state machine's lock guards it).
#pragma once

#include <deque>
#include <vector>

#include "common.pb.h"
#include "common/configuration.h"
#include "journal.pb.h"

namespace shoal::master {

class ClusterConfig {
 public:
  // Changes kept for `conf history`; the oldest are forgotten first.
  static constexpr size_t kHistory = 1000;

  // The next version: every change of the entry (validated by the leader before journaling).
  void apply(const proto::ClusterConfEntry& entry);
  const proto::ClusterConf& conf() const { return conf_; }
  uint64_t version() const { return conf_.version(); }
  // Newest first; limit 0: all kept.
  std::vector<proto::ConfHistoryRecord> history(size_t limit) const;

  proto::ClusterConfState state() const;
  void load(const proto::ClusterConfState& state);

 private:
  proto::ClusterConf conf_;
  std::deque<proto::ConfHistoryRecord> history_;  // oldest first
};

// The rules of a version as the configuration layer takes them.
std::vector<ConfRuleValue> toRuleValues(const proto::ClusterConf& conf);

}  // namespace shoal::master
