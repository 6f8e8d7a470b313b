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

}  // namespace shoal::master
