// Cumulative counters summed across processes that report them again and again (workers and
// clients on their heartbeats): what a report adds to the sum is its growth since the same
// process's previous report, so the sum never goes down.
#pragma once

#include <google/protobuf/message.h>

namespace shoal::master {

// Adds to `total` what `now` counted since `before`, field by field, for a message of uint64
// fields and map<string, uint64> fields. A value that went down means its process restarted and
// counts from zero again: its new value is added whole.
void addGrowth(const google::protobuf::Message& before, const google::protobuf::Message& now,
               google::protobuf::Message* total);

}  // namespace shoal::master
