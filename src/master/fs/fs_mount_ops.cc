#include <fmt/format.h>

#include "common/path.h"
#include "master/fs/file_system_master.h"

namespace shoal::master {
namespace {

// Two mounts of overlapping store paths would show the same files twice and let a delete under
// one remove files under the other.
Status checkOverlap(const std::string& path, const std::string& uri, const std::vector<proto::MountInfo>& mounts) {
  auto mine = ufs::parseUfsUri(uri);
  if (!mine) return mine.error();
  for (const auto& m : mounts) {
    auto other = ufs::parseUfsUri(m.uri());
    if (!other || other->scheme != mine->scheme || other->authority != mine->authority) continue;
    if (isSameOrUnder(mine->path, other->path) || isSameOrUnder(other->path, mine->path)) {
      return invalidArgument(fmt::format("mount {} {}: overlaps the mount {} of {}", path, uri, m.path(), m.uri()));
    }
  }
  return Status::ok();
}

}  // namespace

Status FileSystemMaster::mount(const CallerIdentity& who, const std::string& raw, const std::string& uri,
                               bool readonly, const std::map<std::string, std::string>& options) {
  auto path = normalizePath(raw);
  if (!path) return path.error();
  if (uri.empty()) return invalidArgument(fmt::format("mount {}: empty under-store URI", *path));
  if (auto earlier = earlierAttempt()) return earlier->status;
  // Load the parent so that a path present in the enclosing store counts as existing.
  if (*path != "/") SHOAL_RETURN_IF_ERROR(loadAncestors(*path));
  SHOAL_RETURN_IF_ERROR(checkOverlap(*path, uri, mountTable()));
  auto store = ufs_.registry().create(uri, options);
  if (!store) return store.error().withContext("mount " + *path);
  proto::JournalEntry je;
  auto* e = je.mutable_mount();
  e->mutable_info()->set_path(*path);
  e->mutable_info()->set_uri(uri);
  e->mutable_info()->set_readonly(readonly);
  for (const auto& [k, v] : options) (*e->mutable_info()->mutable_options())[k] = v;
  e->set_mtime_ms(nowMs());
  e->set_owner(who.user);
  e->set_group(who.group);
  ApplyResult r = submitCall(std::move(je));
  if (!r.status) return r.status;
  auto info = sm_.read([&](const Namespace& ns) { return *ns.mounts().find(*path); });
  ufs_.put(info, *store);
  return Status::ok();
}

Status FileSystemMaster::unmount(const std::string& raw) {
  auto path = normalizePath(raw);
  if (!path) return path.error();
  if (auto earlier = earlierAttempt()) return earlier->status;
  proto::JournalEntry je;
  je.mutable_unmount()->set_path(*path);
  ApplyResult r = submitCall(std::move(je));
  if (!r.status) return r.status;
  ufs_.remove(*path);
  return Status::ok();
}

Result<proto::MountInfo> FileSystemMaster::updateMount(const std::string& raw,
                                                       const std::map<std::string, std::string>& set,
                                                       const std::vector<std::string>& unset,
                                                       std::optional<bool> readonly) {
  auto path = normalizePath(raw);
  if (!path) return makeError(path.error());
  if (auto earlier = earlierAttempt()) {
    if (!earlier->status) return makeError(earlier->status);
    return sm_.read([&](const Namespace& ns) { return *ns.mounts().find(*path); });
  }
  auto current = sm_.read([&](const Namespace& ns) -> std::optional<proto::MountInfo> {
    const proto::MountInfo* m = ns.mounts().find(*path);
    return m ? std::optional<proto::MountInfo>(*m) : std::nullopt;
  });
  if (!current) {
    std::string points;
    for (const auto& m : mountTable()) points += (points.empty() ? "" : ", ") + m.path();
    return makeError(Status(StatusCode::kNotFound, fmt::format("update mount {}: not a mount point (mount points: {})",
                                                               *path, points.empty() ? "none" : points)));
  }
  if (set.empty() && unset.empty() && !readonly) {
    return makeError(invalidArgument(fmt::format("update mount {}: nothing to change (give options to set or "
                                                 "unset, or the read-only flag)", *path)));
  }
  proto::MountInfo info = *current;
  for (const auto& k : unset) {
    if (set.count(k)) return makeError(invalidArgument(fmt::format("update mount {}: option {} is both set and unset",
                                                                   *path, k)));
    if (!info.options().contains(k)) {
      return makeError(invalidArgument(fmt::format("update mount {}: option {} is not set on this mount", *path, k)));
    }
    info.mutable_options()->erase(k);
  }
  for (const auto& [k, v] : set) (*info.mutable_options())[k] = v;
  if (readonly) info.set_readonly(*readonly);
  // Opened (and so checked: a wrong key is "access denied" here) before anything is journaled.
  std::map<std::string, std::string> options(info.options().begin(), info.options().end());
  auto store = ufs_.registry().create(info.uri(), options);
  if (!store) return makeError(store.error().withContext("update mount " + *path));
  proto::JournalEntry je;
  *je.mutable_update_mount()->mutable_info() = info;
  ApplyResult r = submitCall(std::move(je));
  if (!r.status) return makeError(r.status);
  auto now = sm_.read([&](const Namespace& ns) { return *ns.mounts().find(*path); });
  ufs_.put(now, *store);
  return now;
}

}  // namespace shoal::master
