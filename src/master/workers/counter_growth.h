// Cumulative counters summed across processes that report them again and again (workers and
// clients on their heartbeats): what a report adds to the sum is its growth since the same
// process's previous report, so the sum never goes down.
#pragma once

#include <cstdint>
#include <google/protobuf/map.h>
#include <google/protobuf/message.h>
#include <string>

namespace shoal::master {

// Adds to `total` what `now` counted since `before`, for every uint64 field of the message (map
// fields are left to addMapGrowth: reading a map through reflection rebuilds a hidden view of it,
// which crashed under TSan). A value that went down means its process restarted and counts from
// zero again: its new value is added whole.
void addGrowth(const google::protobuf::Message& before, const google::protobuf::Message& now,
               google::protobuf::Message* total);

// The same for a map<string, uint64> field, key by key.
void addMapGrowth(const google::protobuf::Map<std::string, uint64_t>& before,
                  const google::protobuf::Map<std::string, uint64_t>& now, google::protobuf::Map<std::string, uint64_t>* total);

}  // namespace shoal::master
