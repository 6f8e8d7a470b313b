#include "stubs/ufs_direct.h"

#include <algorithm>
#include <fmt/format.h>

#include "common/path.h"

namespace shoal::stubs {

void UfsDirect::noteMountTableVersion(uint64_t version) {
  std::lock_guard lock(mu_);
  wanted_ = std::max(wanted_, version);
}

Status UfsDirect::refresh(const std::string& path) {
  uint64_t version = 0;
  auto table = master_.mountTable(&version);
  if (!table) return table.error();
  std::map<std::string, Mounted> fresh;
  for (const auto& info : *table) {
    {
      std::lock_guard lock(mu_);
      auto it = mounts_.find(info.path());
      if (it != mounts_.end() && it->second.info.mount_id() == info.mount_id()) {
        fresh[info.path()] = it->second;
        continue;
      }
    }
    std::map<std::string, std::string> options(info.options().begin(), info.options().end());
    auto ufs = registry_.create(info.uri(), options);
    if (!ufs) {
      if (isSameOrUnder(path, info.path())) return ufs.error().withContext("mount " + info.path());
      continue;
    }
    fresh[info.path()] = Mounted{info, *ufs};
  }
  std::lock_guard lock(mu_);
  mounts_ = std::move(fresh);
  version_ = version;
  // A version above the master's own came from a peer's claim (or a master that lost its state):
  // it is not waited for again.
  wanted_ = version;
  return Status::ok();
}

Result<UfsDirect::Mounted> UfsDirect::mountFor(const std::string& path, uint64_t min_version) {
  auto pick = [&]() -> const Mounted* {
    const Mounted* best = nullptr;
    for (const auto& [mp, m] : mounts_) {
      if (isSameOrUnder(path, mp) && (!best || mp.size() > best->info.path().size())) best = &m;
    }
    return best;
  };
  auto current = [&]() -> const Mounted* {
    if (version_ < std::max(min_version, wanted_)) return nullptr;
    return pick();
  };
  {
    std::lock_guard lock(mu_);
    if (const Mounted* m = current()) return *m;
  }
  // Stale or unknown: one refresh at a time; whoever waited behind it may find it done.
  std::lock_guard one(refresh_mu_);
  {
    std::lock_guard lock(mu_);
    if (const Mounted* m = current()) return *m;
  }
  SHOAL_RETURN_IF_ERROR(refresh(path));
  std::lock_guard lock(mu_);
  if (const Mounted* m = pick()) return *m;
  return makeError(Status(StatusCode::kNotFound, path + ": not inside any mount (a Shoal-only file has no store copy)"));
}

std::optional<UfsDirect::Mounted> UfsDirect::changedSince(const std::string& path, const Mounted& used) {
  std::lock_guard one(refresh_mu_);
  auto now = std::chrono::steady_clock::now();
  auto differs = [&]() -> std::optional<Mounted> {
    std::lock_guard lock(mu_);
    auto it = mounts_.find(used.info.path());
    if (it == mounts_.end() || it->second.info.mount_id() == used.info.mount_id()) return std::nullopt;
    return it->second;
  };
  // Another caller refreshed while this one waited: its answer stands.
  if (auto m = differs()) return m;
  if (now - last_forced_ < std::chrono::seconds(1)) return std::nullopt;
  last_forced_ = now;
  if (!refresh(path)) return std::nullopt;
  return differs();
}

template <typename T, typename Op>
Result<T> UfsDirect::withMount(const std::string& path, uint64_t mount_version, Op op) {
  auto m = mountFor(path, mount_version);
  if (!m) return makeError(m.error());
  Result<T> r = op(*m);
  if (r || r.error().code() != StatusCode::kPermissionDenied) return r;
  auto changed = changedSince(path, *m);
  if (!changed) return r;
  return op(*changed);
}

Result<size_t> UfsDirect::read(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                               std::span<char> buf, uint64_t mount_version) {
  return withMount<size_t>(path, mount_version, [&](const Mounted& m) -> Result<size_t> {
    std::string rel = relativeTo(path, m.info.path());
    auto n = m.ufs->readIfUnchanged(rel, size, mtime_ms, offset, buf);
    if (!n) return makeError(n.error().withContext(path));
    // One short lock per store read (a page, or a client's whole range): small beside the read itself.
    std::lock_guard lock(mu_);
    read_bytes_[m.info.path()] += *n;
    return n;
  });
}

}  // namespace shoal::stubs

namespace shoal::stubs {

std::map<std::string, uint64_t> UfsDirect::readBytesByMount() const {
  std::lock_guard lock(mu_);
  return read_bytes_;
}

Result<std::unique_ptr<ufs::UfsOutputStream>> UfsDirect::create(const std::string& path, uint32_t mode,
                                                                uint64_t mount_version) {
  using Stream = std::unique_ptr<ufs::UfsOutputStream>;
  return withMount<Stream>(path, mount_version, [&](const Mounted& m) -> Result<Stream> {
    if (m.info.readonly()) {
      return makeError(Status(StatusCode::kReadOnly, fmt::format("{}: the mount at {} is read-only", path, m.info.path())));
    }
    std::string rel = relativeTo(path, m.info.path());
    SHOAL_RETURN_IF_ERROR(m.ufs->mkdirs(parentPath(rel), 0755).withContext(path));
    return m.ufs->create(rel, ufs::CreateOptions{mode, false});
  });
}

Status UfsDirect::concat(const std::vector<proto::FileInfo>& srcs, const std::string& dst, uint64_t mount_version) {
  auto joined = withMount<bool>(dst, mount_version, [&](const Mounted& m) -> Result<bool> {
    if (m.info.readonly()) {
      return makeError(Status(StatusCode::kReadOnly, fmt::format("{}: the mount at {} is read-only", dst, m.info.path())));
    }
    std::vector<std::string> rels;
    for (const auto& src : srcs) {
      auto sm = mountFor(src.path(), mount_version);
      if (!sm) return makeError(sm.error());
      if (sm->info.path() != m.info.path() || !src.persisted()) {
        return makeError(Status(StatusCode::kFailedPrecondition, src.path() + " is not in the store of " + dst));
      }
      std::string rel = relativeTo(src.path(), m.info.path());
      auto st = m.ufs->getStatus(rel);
      if (!st) return makeError(st.error());
      if (st->is_dir || st->size != src.size() || st->mtime_ms != src.mtime_ms()) {
        return makeError(Status(StatusCode::kFailedPrecondition, src.path() + " changed in the store"));
      }
      rels.push_back(std::move(rel));
    }
    SHOAL_RETURN_IF_ERROR(m.ufs->concat(rels, relativeTo(dst, m.info.path())));
    return true;
  });
  if (!joined) return joined.error();
  return Status::ok();
}

Result<ufs::UfsStatus> UfsDirect::storeStatus(const std::string& path, uint64_t mount_version) {
  return withMount<ufs::UfsStatus>(path, mount_version, [&](const Mounted& m) {
    return m.ufs->getStatus(relativeTo(path, m.info.path()));
  });
}

}  // namespace shoal::stubs
