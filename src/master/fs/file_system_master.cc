#include "master/fs/file_system_master.h"

#include <chrono>

#include "common/logging.h"
#include "master/fs/request_scope.h"

namespace shoal::master {

FileSystemMaster::FileSystemMaster(const Configuration& conf, StateMachine& sm, Journal& journal,
                                   const ufs::UfsRegistry& registry)
    : conf_(conf), sm_(sm), journal_(journal), ufs_(registry) {
  auto base = std::make_shared<PathValue<int64_t>>();
  base->base = conf.getDurationMs(keys::kUserMetadataSyncInterval);
  sync_interval_.store(std::move(base));
}

FileSystemMaster::~FileSystemMaster() = default;

Status FileSystemMaster::start(const CallerIdentity& self) {
  const std::string& root_ufs = conf_.getString(keys::kMasterRootUfs);
  bool root_mounted = sm_.read([](const Namespace& ns) { return ns.mounts().find("/") != nullptr; });
  if (root_ufs.empty() || root_mounted) {
    if (root_mounted && !root_ufs.empty()) {
      auto uri = sm_.read([](const Namespace& ns) { return ns.mounts().find("/")->uri(); });
      if (uri != root_ufs) {
        logger("master")->warn("{}={} is ignored: / is already mounted on {} (the journal keeps the mount table)",
                               keys::kMasterRootUfs, root_ufs, uri);
      }
    }
    return Status::ok();
  }
  Status st = mount(self, "/", root_ufs, false, {});
  return st.withContext(std::string(keys::kMasterRootUfs));
}

ApplyResult FileSystemMaster::submitCall(proto::JournalEntry entry) {
  entry.set_request_id(RequestScope::current());
  return journal_.submit(std::move(entry));
}

std::optional<ApplyResult> FileSystemMaster::earlierAttempt() const { return sm_.recall(RequestScope::current()); }

Result<proto::FileInfo> FileSystemMaster::earlierInfo(const ApplyResult& r, const std::string& path) const {
  if (!r.status) return makeError(r.status);
  if (!r.inode) return makeError(notFound(path).withContext("applied, then changed by another call"));
  return toFileInfo(*r.inode, path);
}

int64_t FileSystemMaster::intervalOr(std::string_view path, std::optional<int64_t> override_ms) const {
  if (override_ms) return *override_ms;
  return sync_interval_.load()->at(path);
}

void FileSystemMaster::followConfig(LiveConfig& live) {
  conf_listener_ = live.listen({std::string(keys::kUserMetadataSyncInterval)}, [this](const LiveConfig::Snapshot& s) {
    sync_interval_.store(std::make_shared<const PathValue<int64_t>>(PathValue<int64_t>::build(
        s, keys::kUserMetadataSyncInterval,
        [](const Configuration& c) { return c.getDurationMs(keys::kUserMetadataSyncInterval); })));
  });
}

proto::FileInfo FileSystemMaster::toFileInfo(const Inode& inode, const std::string& path) const {
  proto::FileInfo f;
  f.set_id(inode.id);
  f.set_name(path == "/" ? "" : inode.name);
  f.set_path(path);
  f.set_is_dir(inode.isDir());
  f.set_size(inode.size);
  f.set_mode(inode.mode);
  f.set_owner(inode.owner);
  f.set_group(inode.group);
  f.set_mtime_ms(inode.mtime_ms);
  f.set_complete(inode.has(kInodeComplete));
  f.set_persisted(inode.has(kInodePersisted));
  f.set_mount_point(inode.has(kInodeMountPoint));
  f.set_pinned(inode.has(kInodePinned));
  f.set_ctime_ms(inode.ctime_ms != 0 ? inode.ctime_ms : inode.mtime_ms);
  f.set_type(inode.isDir() ? proto::FILE_TYPE_DIRECTORY : static_cast<proto::FileType>(inode.type));
  f.set_symlink_target(inode.symlink_target);
  f.set_rdev(inode.rdev);
  f.set_has_xattrs(inode.has_xattrs);
  f.set_atime_ms(inode.atime_ms);
  return f;
}

}  // namespace shoal::master
