#include "master/workers/counter_growth.h"

#include <map>
#include <string>

namespace shoal::master {
namespace {

uint64_t growth(uint64_t before, uint64_t now) { return now >= before ? now - before : now; }

// A map<string, uint64> field as a std::map (maps are repeated key/value messages underneath).
std::map<std::string, uint64_t> mapOf(const google::protobuf::Message& m, const google::protobuf::FieldDescriptor* f) {
  std::map<std::string, uint64_t> out;
  const auto* refl = m.GetReflection();
  const auto* key = f->message_type()->map_key();
  const auto* value = f->message_type()->map_value();
  for (int i = 0; i < refl->FieldSize(m, f); ++i) {
    const auto& e = refl->GetRepeatedMessage(m, f, i);
    out[e.GetReflection()->GetString(e, key)] = e.GetReflection()->GetUInt64(e, value);
  }
  return out;
}

}  // namespace

void addGrowth(const google::protobuf::Message& before, const google::protobuf::Message& now,
               google::protobuf::Message* total) {
  const auto* d = total->GetDescriptor();
  const auto* refl = total->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (!f->is_map()) {
      refl->SetUInt64(total, f, refl->GetUInt64(*total, f) + growth(refl->GetUInt64(before, f), refl->GetUInt64(now, f)));
      continue;
    }
    auto sums = mapOf(*total, f);
    auto was = mapOf(before, f);
    for (const auto& [k, n] : mapOf(now, f)) sums[k] += growth(was.count(k) ? was[k] : 0, n);
    refl->ClearField(total, f);
    const auto* key = f->message_type()->map_key();
    const auto* value = f->message_type()->map_value();
    for (const auto& [k, n] : sums) {
      auto* e = refl->AddMessage(total, f);
      e->GetReflection()->SetString(e, key, k);
      e->GetReflection()->SetUInt64(e, value, n);
    }
  }
}

}  // namespace shoal::master
