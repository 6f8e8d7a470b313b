#include "master/journal/state_machine.h"

#include <istream>
#include <ostream>

#include "common/binary_io.h"

namespace shoal::master {

namespace {
constexpr uint64_t kStateMagic = 0x3154535f4c414f48ULL;
}

StateMachine::StateMachine(std::unique_ptr<InodeStore> store) : ns_(std::move(store)) {}

ApplyResult StateMachine::apply(const proto::JournalEntry& entry) {
  std::unique_lock lock(mu_);
  last_applied_ = entry.sequence();
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
      break;
    case proto::JournalEntry::kUnmount: r.status = ns_.unmount(entry.unmount()); break;
    case proto::JournalEntry::kUfsSync: r.status = ns_.applyUfsSync(entry.ufs_sync()); break;
    case proto::JournalEntry::ENTRY_NOT_SET:
      r.status = Status(StatusCode::kCorruption, "journal entry without content");
      break;
  }
  return r;
}

Status StateMachine::saveCheckpoint(std::ostream& out) const {
  std::shared_lock lock(mu_);
  {
    BinaryWriter w(out);
    w.u64(kStateMagic);
    w.u64(last_applied_);
    w.u64(next_mount_id_);
    auto mounts = ns_.mounts().all();
    w.u32(static_cast<uint32_t>(mounts.size()));
    for (const auto& m : mounts) w.str(m.SerializeAsString());
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
  if (!r.u64(&magic) || magic != kStateMagic || !r.u64(&last_applied_) || !r.u64(&next_mount_id_) ||
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
  if (!r.verifyFinish()) return Status(StatusCode::kCorruption, "state checkpoint checksum mismatch");
  SHOAL_RETURN_IF_ERROR(ns_.store().loadCheckpoint(in));
  ns_.rebuildPinned();
  return Status::ok();
}

}  // namespace shoal::master
