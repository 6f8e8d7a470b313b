#include "master/journal/state_machine.h"

#include <istream>
#include <ostream>

#include "common/binary_io.h"

namespace shoal::master {

namespace {
constexpr uint64_t kStateMagic = 0x3154535f4c414f48ULL;    // "HOAL_ST1": no request ids
constexpr uint64_t kStateMagicV2 = 0x3254535f4c414f48ULL;  // "HOAL_ST2": with request ids
constexpr uint64_t kStateMagicV3 = 0x3354535f4c414f48ULL;  // "HOAL_ST3": with the cluster configuration
constexpr uint64_t kStateMagicV4 = 0x3454535f4c414f48ULL;  // "HOAL_ST4": with the workers' states
constexpr uint64_t kStateMagicV5 = 0x3554535f4c414f48ULL;  // "HOAL_ST5": with the S3 access keys (and, in the same table, bound buckets)

uint64_t mix(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

uint64_t mixInt(uint64_t h, uint64_t v) { return mix(h, std::string_view(reinterpret_cast<const char*>(&v), 8)); }
}  // namespace

StateMachine::StateMachine(std::unique_ptr<InodeStore> store) : ns_(std::move(store)) {}

ApplyResult StateMachine::apply(const proto::JournalEntry& entry) {
  ApplyResult r = applyRemembered(entry);
  if (entry.entry_case() == proto::JournalEntry::kClusterConf && conf_observer_) conf_observer_(confVersion());
  return r;
}

ApplyResult StateMachine::applyRemembered(const proto::JournalEntry& entry) {
  std::unique_lock lock(mu_);
  last_applied_ = entry.sequence();
  const std::string& rid = entry.request_id();
  if (!rid.empty()) {
    if (auto it = requests_.find(rid); it != requests_.end()) {
      ApplyResult again{it->second.status, std::nullopt};
      Inode inode;
      if (it->second.inode != kInvalidInode && ns_.store().get(it->second.inode, &inode)) again.inode = inode;
      return again;
    }
  }
  ApplyResult r = applyLocked(entry);
  if (!rid.empty()) {
    requests_[rid] = Outcome{r.status, r.inode ? r.inode->id : kInvalidInode};
    request_order_.push_back(rid);
    if (request_order_.size() > kRememberedRequests) {
      requests_.erase(request_order_.front());
      request_order_.pop_front();
    }
  }
  return r;
}

std::optional<ApplyResult> StateMachine::recall(const std::string& request_id) const {
  if (request_id.empty()) return std::nullopt;
  std::shared_lock lock(mu_);
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return std::nullopt;
  ApplyResult r{it->second.status, std::nullopt};
  Inode inode;
  if (it->second.inode != kInvalidInode && ns_.store().get(it->second.inode, &inode)) r.inode = inode;
  return r;
}

std::optional<uint64_t> StateMachine::digest() const {
  // One walk at a time, and the state lock is let go every kDigestChunk inodes so that applies
  // (and the Raft loop behind them) never wait for a whole-namespace walk.
  std::unique_lock one(digest_mu_, std::try_to_lock);
  if (!one.owns_lock()) return std::nullopt;
  constexpr size_t kDigestChunk = 4096;
  uint64_t h = 1469598103934665603ULL;
  std::vector<std::pair<InodeId, std::string>> stack;
  {
    std::shared_lock lock(mu_);
    for (const auto& m : ns_.mounts().all()) h = mix(h, m.SerializeAsString());
    h = mix(h, conf_.conf().SerializeAsString());
    h = mix(h, workers_.table().SerializeAsString());
    h = mix(h, s3TableLocked().SerializeAsString());
    stack.emplace_back(ns_.store().rootId(), "/");
  }
  // Depth-first in name order, so the walk is the same on every replica.
  std::vector<Inode> kids;
  std::shared_lock lock(mu_);
  for (size_t visited = 0; !stack.empty(); ++visited) {
    if (visited % kDigestChunk == kDigestChunk - 1) {
      lock.unlock();
      lock.lock();
    }
    auto [id, path] = stack.back();
    stack.pop_back();
    Inode n;
    if (!ns_.store().get(id, &n)) continue;
    h = mix(h, path);
    h = mixInt(h, n.id);
    h = mixInt(h, n.size);
    h = mixInt(h, n.mode);
    h = mixInt(h, static_cast<uint64_t>(n.mtime_ms));
    h = mixInt(h, static_cast<uint64_t>(n.ctime_ms));
    h = mixInt(h, static_cast<uint64_t>(n.type));
    h = mixInt(h, n.rdev);
    h = mix(h, n.symlink_target);
    if (n.has_xattrs) {
      XattrMap attrs;
      ns_.store().xattrs(id, &attrs);
      for (const auto& [name, value] : attrs) h = mix(mix(h, name), value);
    }
    h = mixInt(h, n.flags);
    h = mix(h, n.owner);
    h = mix(h, n.group);
    if (!n.isDir()) continue;
    kids.clear();
    bool more = false;
    ns_.store().listChildren(id, "", SIZE_MAX, &kids, &more);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
      stack.emplace_back(it->id, path == "/" ? "/" + it->name : path + "/" + it->name);
    }
  }
  return h;
}

ApplyResult StateMachine::applyLocked(const proto::JournalEntry& entry) {
  ApplyResult r;
  auto take = [&r](Result<Inode> res) {
    if (res) r.inode = std::move(*res);
    else r.status = res.error();
  };
  switch (entry.entry_case()) {
    case proto::JournalEntry::kMkdir: take(ns_.mkdir(entry.mkdir())); break;
    case proto::JournalEntry::kCreateFile: take(ns_.createFile(entry.create_file())); break;
    case proto::JournalEntry::kCompleteFile: take(ns_.completeFile(entry.complete_file())); break;
    case proto::JournalEntry::kDeletePath: r.status = ns_.remove(entry.delete_path()); break;
    case proto::JournalEntry::kRename: r.status = ns_.rename(entry.rename()); break;
    case proto::JournalEntry::kSetAttribute: r.status = ns_.setAttribute(entry.set_attribute()); break;
    case proto::JournalEntry::kMount:
      // The id is taken even when the mount is refused, identically on every replica.
      r.status = ns_.mount(entry.mount(), next_mount_id_++);
      ns_.mounts().setVersion(next_mount_id_);
      break;
    case proto::JournalEntry::kUnmount:
      r.status = ns_.unmount(entry.unmount());
      // Unmounts move the mount-table version too (ids are never reused, so gaps are harmless).
      if (r.status) ns_.mounts().setVersion(++next_mount_id_);
      break;
    case proto::JournalEntry::kUpdateMount:
      // A new id, as for a mount: processes key their store clients by it.
      r.status = ns_.updateMount(entry.update_mount(), next_mount_id_++);
      ns_.mounts().setVersion(next_mount_id_);
      break;
    case proto::JournalEntry::kUfsSync: r.status = ns_.applyUfsSync(entry.ufs_sync()); break;
    case proto::JournalEntry::kSetXattr: r.status = ns_.setXattr(entry.set_xattr()); break;
    case proto::JournalEntry::kClusterConf:
      conf_.apply(entry.cluster_conf());
      conf_version_.store(conf_.version(), std::memory_order_release);
      break;
    case proto::JournalEntry::kWorkerState: r.status = workers_.apply(entry.worker_state()); break;
    case proto::JournalEntry::kS3Key: r.status = s3_keys_.apply(entry.s3_key()); break;
    case proto::JournalEntry::kS3Bucket: r.status = s3_buckets_.apply(entry.s3_bucket()); break;
    case proto::JournalEntry::ENTRY_NOT_SET:
      r.status = Status(StatusCode::kCorruption, "journal entry without content");
      break;
  }
  return r;
}

proto::S3Table StateMachine::s3TableLocked() const {
  proto::S3Table t;
  s3_keys_.saveTo(&t);
  s3_buckets_.saveTo(&t);
  return t;
}

Status StateMachine::saveCheckpoint(std::ostream& out) const {
  std::shared_lock lock(mu_);
  {
    BinaryWriter w(out);
    w.u64(kStateMagicV5);
    w.u64(last_applied_);
    w.u64(next_mount_id_);
    auto mounts = ns_.mounts().all();
    w.u32(static_cast<uint32_t>(mounts.size()));
    for (const auto& m : mounts) w.str(m.SerializeAsString());
    w.u32(static_cast<uint32_t>(request_order_.size()));
    for (const auto& rid : request_order_) {
      const Outcome& o = requests_.at(rid);
      w.str(rid);
      w.u32(static_cast<uint32_t>(o.status.code()));
      w.str(o.status.message());
      w.u64(o.inode);
    }
    w.str(conf_.state().SerializeAsString());
    w.str(workers_.table().SerializeAsString());
    w.str(s3TableLocked().SerializeAsString());
    w.finish();
    if (!w.ok()) return Status(StatusCode::kIoError, "writing the state checkpoint failed");
  }
  return ns_.store().saveCheckpoint(out);
}

Status StateMachine::loadCheckpoint(std::istream& in) {
  std::unique_lock lock(mu_);
  BinaryReader r(in);
  uint64_t magic = 0;
  uint32_t nmounts = 0;
  if (!r.u64(&magic) || (magic != kStateMagic && magic != kStateMagicV2 && magic != kStateMagicV3 && magic != kStateMagicV4 &&
                         magic != kStateMagicV5) || !r.u64(&last_applied_) ||
      !r.u64(&next_mount_id_) ||
      !r.u32(&nmounts)) {
    return Status(StatusCode::kCorruption, "state checkpoint header is corrupt");
  }
  ns_.mounts().clear();
  for (uint32_t i = 0; i < nmounts; ++i) {
    std::string bytes;
    proto::MountInfo m;
    if (!r.str(&bytes, 1 << 20) || !m.ParseFromString(bytes)) {
      return Status(StatusCode::kCorruption, "state checkpoint mount table is corrupt");
    }
    ns_.mounts().add(m);
  }
  ns_.mounts().setVersion(next_mount_id_);
  requests_.clear();
  request_order_.clear();
  uint32_t nrequests = 0;
  if (magic != kStateMagic) {
    if (!r.u32(&nrequests)) return Status(StatusCode::kCorruption, "state checkpoint request table is corrupt");
    for (uint32_t i = 0; i < nrequests; ++i) {
      std::string rid, message;
      uint32_t code = 0;
      uint64_t inode = 0;
      if (!r.str(&rid, 1024) || !r.u32(&code) || !r.str(&message, 1 << 20) || !r.u64(&inode) ||
          code > static_cast<uint32_t>(StatusCode::kNotLeader)) {
        return Status(StatusCode::kCorruption, "state checkpoint request table is corrupt");
      }
      requests_[rid] = Outcome{code == 0 ? Status::ok() : Status(static_cast<StatusCode>(code), message), inode};
      request_order_.push_back(std::move(rid));
    }
  }
  proto::ClusterConfState conf;
  if (magic == kStateMagicV3 || magic == kStateMagicV4 || magic == kStateMagicV5) {
    std::string bytes;
    if (!r.str(&bytes, 64 << 20) || !conf.ParseFromString(bytes)) {
      return Status(StatusCode::kCorruption, "state checkpoint cluster configuration is corrupt");
    }
  }
  proto::WorkerStateTable worker_states;
  if (magic == kStateMagicV4 || magic == kStateMagicV5) {
    std::string bytes;
    if (!r.str(&bytes, 64 << 20) || !worker_states.ParseFromString(bytes)) {
      return Status(StatusCode::kCorruption, "state checkpoint worker states are corrupt");
    }
  }
  proto::S3Table s3_table;
  if (magic == kStateMagicV5) {
    std::string bytes;
    if (!r.str(&bytes, 64 << 20) || !s3_table.ParseFromString(bytes)) {
      return Status(StatusCode::kCorruption, "state checkpoint S3 keys and buckets are corrupt");
    }
  }
  if (!r.verifyFinish()) return Status(StatusCode::kCorruption, "state checkpoint checksum mismatch");
  conf_.load(conf);
  workers_.load(worker_states);
  s3_keys_.load(s3_table);
  s3_buckets_.load(s3_table);
  conf_version_.store(conf_.version(), std::memory_order_release);
  SHOAL_RETURN_IF_ERROR(ns_.store().loadCheckpoint(in));
  ns_.rebuildPinned();
  lock.unlock();
  if (conf_observer_) conf_observer_(conf_version_.load());
  return Status::ok();
}

}  // namespace shoal::master
