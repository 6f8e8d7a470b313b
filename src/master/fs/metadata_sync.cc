// Keeping Shoal's metadata in step with the under-stores. Directories load lazily: the first access
// below a directory lists it in the store once. After that, `shoal.user.file.metadata.sync.interval`
// decides when a path is compared again. A sync reads the store outside any lock, computes the diff
// against Shoal's view, and journals only a real change, so a sync that finds nothing new costs no
// journal write. Concurrent syncs of one path are run once (SyncCoordinator).
#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <unordered_map>

#include "common/logging.h"
#include "common/path.h"
#include "master/fs/file_system_master.h"

namespace shoal::master {
namespace {

proto::UfsEntry toUfsEntry(const ufs::UfsStatus& s) {
  proto::UfsEntry e;
  e.set_name(s.name);
  e.set_is_dir(s.is_dir);
  e.set_size(s.size);
  e.set_mtime_ms(s.mtime_ms);
  e.set_mode(s.mode);
  e.set_owner(s.owner);
  e.set_group(s.group);
  e.set_symlink_target(s.symlink_target);
  return e;
}

bool syncable(const Inode& i) { return i.has(kInodePersisted) && !i.has(kInodeMountPoint); }

// Whether Shoal's inode differs from the store's entry in type or content fingerprint.
bool differs(const Inode& i, const proto::UfsEntry& u) {
  if (i.isDir() != u.is_dir()) return true;
  if (i.symlink_target != u.symlink_target()) return true;
  return !u.is_dir() && (i.size != u.size() || i.mtime_ms != u.mtime_ms());
}

}  // namespace

Result<std::optional<FileSystemMaster::MountRef>> FileSystemMaster::mountFor(const std::string& path) {
  auto info = sm_.read([&](const Namespace& ns) -> std::optional<proto::MountInfo> {
    const proto::MountInfo* m = ns.mounts().resolve(path);
    return m ? std::optional<proto::MountInfo>(*m) : std::nullopt;
  });
  if (!info) return std::optional<MountRef>();
  auto ufs = ufs_.get(*info);
  if (!ufs) return makeError(ufs.error());
  return std::optional<MountRef>(MountRef{*info, *ufs, MountTable::ufsPath(*info, path)});
}

Status FileSystemMaster::loadAncestors(const std::string& path) {
  auto comps = pathComponents(path);
  std::string dir = "/";
  for (size_t i = 0; i < comps.size(); ++i) {
    struct State {
      bool exists = false, is_dir = false, loaded = false, in_mount = false;
    };
    State s = sm_.read([&](const Namespace& ns) {
      State st;
      auto inode = ns.lookup(dir);
      if (!inode) return st;
      st.exists = true;
      st.is_dir = inode->isDir();
      st.loaded = inode->has(kInodeLoaded);
      st.in_mount = ns.mounts().resolve(dir) != nullptr;
      return st;
    });
    if (!s.exists || !s.is_dir) return Status::ok();  // the lookup that follows reports it
    if (s.in_mount && !s.loaded) SHOAL_RETURN_IF_ERROR(syncPath(dir, /*listing=*/true, INT64_MIN));
    dir = joinPath(dir, comps[i]);
  }
  return Status::ok();
}

Status FileSystemMaster::syncForRead(const std::string& path, int64_t interval_ms, bool list) {
  SHOAL_RETURN_IF_ERROR(loadAncestors(path));
  int64_t now = nowUs();
  struct Decision {
    bool in_mount = false, need = false, listing = false;
  };
  Decision d = sm_.read([&](const Namespace& ns) {
    Decision dec;
    dec.in_mount = ns.mounts().resolve(path) != nullptr;
    if (!dec.in_mount) return dec;
    auto inode = ns.lookup(path);
    if (!inode) {
      // Absent from a loaded parent: trust that until the parent's listing is stale.
      auto parent = ns.lookup(parentPath(path));
      dec.need = parent && parent->isDir() && syncDue(ns.store().lastSyncUs(parent->id), now, interval_ms);
      dec.listing = list;
      return dec;
    }
    // A directory's sync time always means "last listed": a due directory is re-listed, whether
    // the caller wanted its children or only its status.
    dec.listing = inode->isDir();
    dec.need = (list && dec.listing && !inode->has(kInodeLoaded)) ||
               syncDue(ns.store().lastSyncUs(inode->id), now, interval_ms);
    return dec;
  });
  if (!d.in_mount || !d.need) return Status::ok();
  return syncPath(path, d.listing, now);
}

bool FileSystemMaster::alreadyFresh(const std::string& path, bool listing, int64_t decided_at_us) const {
  return sm_.read([&](const Namespace& ns) {
    auto inode = ns.lookup(path);
    if (!inode) return false;
    if (listing && inode->isDir() && !inode->has(kInodeLoaded)) return false;
    // Only a sync that started strictly after the caller decided can have seen what the caller
    // must see.
    return decided_at_us == INT64_MIN || ns.store().lastSyncUs(inode->id) > decided_at_us;
  });
}

void FileSystemMaster::declareMetrics(metrics::Registry& r) {
  auto& syncs = r.counterFamily("shoal_master_metadata_syncs_total",
                                "Metadata syncs with an under-store (a path or a directory listing), by result.",
                                {"result"});
  sync_metrics_owned_ = std::make_unique<SyncMetrics>(SyncMetrics{
      syncs.with({"ok"}), syncs.with({"error"}),
      r.histogram("shoal_master_metadata_sync_seconds", "Time of one metadata sync, store reads and journaling included.",
                  metrics::kLatencyBuckets),
      r.counter("shoal_master_metadata_sync_entries_listed_total", "Store entries read by metadata syncs."),
      r.counter("shoal_master_metadata_sync_entries_journaled_total",
                "Entries metadata syncs journaled because the store changed: the path itself, and children "
                "added, updated or removed.")});
  sync_metrics_.store(sync_metrics_owned_.get(), std::memory_order_release);
}

Status FileSystemMaster::syncPath(const std::string& path, bool listing, int64_t decided_at_us) {
  return sync_.run(fmt::format("{}{}", listing ? "L" : "S", path), [&] {
    if (alreadyFresh(path, listing, decided_at_us)) return Status::ok();
    auto started = std::chrono::steady_clock::now();
    size_t listed = 0, changed = 0;
    Status st = doSync(path, listing, &listed, &changed);
    if (auto* m = sync_metrics_.load(std::memory_order_acquire)) {
      (st ? m->ok : m->failed).inc();
      m->seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      m->listed.inc(listed);
      m->journaled.inc(changed);
    }
    return st;
  });
}

void FileSystemMaster::skipUnholdable(const std::string& path, std::vector<ufs::UfsStatus>& children) {
  constexpr size_t kRemembered = 65536;  // past that, names are still skipped, only not counted
  auto bad = [&](const ufs::UfsStatus& c) {
    Status st = validateName(c.name);
    if (st) return false;
    std::string key = joinPath(path, c.name.substr(0, 300));
    std::lock_guard lock(unholdable_mu_);
    if (unholdable_.size() < kRemembered && unholdable_.insert(key).second) {
      unholdable_count_.fetch_add(1, std::memory_order_relaxed);
      static auto log = logger("sync");
      log->warn("sync {}: the store holds a name Shoal cannot hold, skipped (reported once): {}", path,
                st.message());
    }
    return true;
  };
  children.erase(std::remove_if(children.begin(), children.end(), bad), children.end());
}

Status FileSystemMaster::doSync(const std::string& path, bool listing, size_t* listed, size_t* changed_entries) {
  int64_t started = nowUs();  // before reading: a change made while we read is caught next time
  auto mount = mountFor(path);
  if (!mount) return mount.error();
  if (!*mount) return Status::ok();
  ufs::Ufs& store = *(*mount)->ufs;
  const std::string& rel = (*mount)->ufs_path;

  proto::JournalEntry je;
  proto::UfsSyncEntry& e = *je.mutable_ufs_sync();
  e.set_path(path);
  auto st = store.getStatus(rel);
  if (!st && st.error().code() != StatusCode::kNotFound) return st.error().withContext("sync " + path);
  std::vector<ufs::UfsStatus> children;
  if (st) {
    e.set_exists(true);
    *e.mutable_self() = toUfsEntry(*st);
    if (listing && st->is_dir) {
      auto listed = store.list(rel);
      if (!listed) return listed.error().withContext("sync " + path);
      children = std::move(*listed);
      skipUnholdable(path, children);
    }
  }
  bool listed_dir = st && listing && st->is_dir;
  *listed = (st ? 1 : 0) + children.size();

  // Diff against Shoal's view; journal only what changed.
  bool changed = sm_.read([&](const Namespace& ns) {
    auto cur = ns.lookup(path);
    bool any = false;
    if (!e.exists()) return cur && syncable(*cur);
    if (!cur) any = true;
    else if (syncable(*cur) && differs(*cur, e.self())) any = true;
    if (!listed_dir) return any;
    std::unordered_map<std::string, Inode> known;
    bool loaded = false;
    if (cur && cur->isDir() && !differs(*cur, e.self())) {
      loaded = cur->has(kInodeLoaded);
      std::vector<Inode> page;
      bool more = false;
      ns.store().listChildren(cur->id, "", SIZE_MAX, &page, &more);
      for (auto& c : page) known.emplace(c.name, std::move(c));
    }
    for (const auto& c : children) {
      auto it = known.find(c.name);
      proto::UfsEntry ue = toUfsEntry(c);
      if (it == known.end()) {
        *e.add_upserts() = std::move(ue);
      } else {
        if (syncable(it->second) && differs(it->second, ue)) *e.add_upserts() = std::move(ue);
        known.erase(it);
      }
    }
    for (const auto& [name, inode] : known) {
      if (syncable(inode)) e.add_removed(name);
    }
    if (!loaded) e.set_mark_loaded(true);
    return any || e.mark_loaded() || e.upserts_size() > 0 || e.removed_size() > 0;
  });
  if (changed) {
    *changed_entries = static_cast<size_t>(e.upserts_size() + e.removed_size()) + 1;
    ApplyResult r = submit(std::move(je));
    if (!r.status) return r.status.withContext("sync " + path);
  }
  sm_.read([&](const Namespace& ns) {
    auto cur = ns.lookup(path);
    if (!cur) return 0;
    ns.store().setLastSyncUs(cur->id, started);
    if (listed_dir) {
      std::vector<InodeId> ids;
      ns.store().childIds(cur->id, &ids);
      for (InodeId id : ids) ns.store().setLastSyncUs(id, started);
    }
    return 0;
  });
  return Status::ok();
}

}  // namespace shoal::master
