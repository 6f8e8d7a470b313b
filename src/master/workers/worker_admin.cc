#include "master/workers/worker_admin.h"

#include <fmt/format.h>

#include "common/clock.h"

namespace shoal::master {

const char* workerStateName(proto::WorkerState s) {
  switch (s) {
    case proto::WORKER_ACTIVE: return "ACTIVE";
    case proto::WORKER_DECOMMISSIONING: return "DECOMMISSIONING";
    case proto::WORKER_DECOMMISSIONED: return "DECOMMISSIONED";
    default: return "UNKNOWN";
  }
}

Result<proto::WorkerState> WorkerAdmin::setState(const std::string& address, proto::WorkerState state,
                                                 const CallerIdentity& who) {
  const char* verb = state == proto::WORKER_ACTIVE ? "enable" : "decommission";
  if (state != proto::WORKER_ACTIVE && state != proto::WORKER_DECOMMISSIONING) {
    return makeError(invalidArgument(fmt::format("{} worker {}: a worker is decommissioned by the master once it has "
                                                 "handed its pages over, not on request", verb, address)));
  }
  proto::WorkerState before = sm_.workerState(address);
  if (before == state || (state == proto::WORKER_DECOMMISSIONING && before == proto::WORKER_DECOMMISSIONED)) {
    return before;
  }
  if (state == proto::WORKER_DECOMMISSIONING) {
    bool known = false;
    std::string names;
    for (const auto& w : registry_.workers(/*include_lost=*/true, nowMs())) {
      known = known || w.address() == address;
      names += (names.empty() ? "" : ", ") + w.address();
    }
    if (!known) {
      return makeError(Status(StatusCode::kNotFound,
                              fmt::format("decommission worker {}: no such worker (known: {}; see `shoal fsadmin "
                                          "report`)", address, names.empty() ? "none" : names)));
    }
  }
  proto::JournalEntry je;
  auto* e = je.mutable_worker_state();
  e->set_address(address);
  e->set_state(state);
  e->set_time_ms(nowMs());
  e->set_user(who.user);
  ApplyResult r = journal_.submit(std::move(je));
  if (!r.status) return makeError(r.status.withContext(fmt::format("{} worker {}", verb, address)));
  return before;
}

proto::WorkerState WorkerAdmin::onHeartbeat(const std::string& address, const proto::HandoverProgress& progress) {
  proto::WorkerState s = sm_.workerState(address);
  if (s != proto::WORKER_DECOMMISSIONING || !progress.done()) return s;
  proto::JournalEntry je;
  auto* e = je.mutable_worker_state();
  e->set_address(address);
  e->set_state(proto::WORKER_DECOMMISSIONED);
  e->set_time_ms(nowMs());
  e->set_user("shoal");
  // Refused only when the worker was enabled meanwhile: then it stays what it is now.
  (void)journal_.submit(std::move(je));
  return sm_.workerState(address);
}

namespace {

// The file's absolute path, from its ancestors' names: receiving workers check every page's path.
std::string pathOf(const Namespace& ns, const Inode& file) {
  std::vector<std::string> names{file.name};
  Inode n = file;
  // Bounded: a parent chain longer than any path could be would be a broken store.
  for (int depth = 0; n.parent != ns.store().rootId() && depth < 4096; ++depth) {
    if (!ns.store().get(n.parent, &n)) break;
    names.push_back(n.name);
  }
  std::string path;
  for (auto it = names.rbegin(); it != names.rend(); ++it) path += "/" + *it;
  return path;
}

}  // namespace

Result<std::vector<proto::HandoverFile>> WorkerAdmin::handoverFiles(const std::vector<uint64_t>& file_ids) const {
  if (file_ids.size() > kMaxHandoverIds) {
    return makeError(invalidArgument(
        fmt::format("GetHandoverFiles: {} file ids in one call; at most {}", file_ids.size(), kMaxHandoverIds)));
  }
  return sm_.read([&](const Namespace& ns) {
    std::vector<proto::HandoverFile> out;
    for (uint64_t id : file_ids) {
      Inode n;
      if (!ns.store().get(id, &n) || !n.isRegular() || !n.has(kInodeComplete)) continue;
      bool pinned = n.has(kInodePinned), persisted = n.has(kInodePersisted);
      if (!pinned && persisted) continue;
      proto::HandoverFile f;
      f.set_file_id(id);
      f.set_path(pathOf(ns, n));
      f.set_file_size(n.size);
      f.set_mtime_ms(n.mtime_ms);
      f.set_pinned(pinned);
      f.set_persisted(persisted);
      out.push_back(std::move(f));
    }
    return out;
  });
}

}  // namespace shoal::master
