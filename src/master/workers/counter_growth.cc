#include "master/workers/counter_growth.h"

namespace shoal::master {
namespace {

uint64_t growth(uint64_t before, uint64_t now) { return now >= before ? now - before : now; }

}  // namespace

void addGrowth(const google::protobuf::Message& before, const google::protobuf::Message& now,
               google::protobuf::Message* total) {
  const auto* d = total->GetDescriptor();
  const auto* refl = total->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (f->is_repeated() || f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_UINT64) continue;
    refl->SetUInt64(total, f, refl->GetUInt64(*total, f) + growth(refl->GetUInt64(before, f), refl->GetUInt64(now, f)));
  }
}

void addMapGrowth(const google::protobuf::Map<std::string, uint64_t>& before,
                  const google::protobuf::Map<std::string, uint64_t>& now, google::protobuf::Map<std::string, uint64_t>* total) {
  for (const auto& [key, n] : now) {
    auto it = before.find(key);
    (*total)[key] += growth(it == before.end() ? 0 : it->second, n);
  }
}

}  // namespace shoal::master
