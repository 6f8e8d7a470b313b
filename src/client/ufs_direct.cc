#include "client/ufs_direct.h"

#include <algorithm>
#include <fmt/format.h>

#include "common/path.h"

namespace shoal::client {

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

Result<size_t> UfsDirect::read(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                               std::span<char> buf, uint64_t mount_version) {
  auto m = mountFor(path, mount_version);
  if (!m) return makeError(m.error());
  std::string rel = relativeTo(path, m->info.path());
  auto n = m->ufs->readIfUnchanged(rel, size, mtime_ms, offset, buf);
  if (!n) return makeError(n.error().withContext(path));
  {
    // One short lock per store read (a page, or a client's whole range): small beside the read itself.
    std::lock_guard lock(mu_);
    read_bytes_[m->info.path()] += *n;
  }
  return n;
}

}  // namespace shoal::client

namespace shoal::client {

std::map<std::string, uint64_t> UfsDirect::readBytesByMount() const {
  std::lock_guard lock(mu_);
  return read_bytes_;
}

Result<std::unique_ptr<ufs::UfsOutputStream>> UfsDirect::create(const std::string& path, uint32_t mode,
                                                                uint64_t mount_version) {
  auto m = mountFor(path, mount_version);
  if (!m) return makeError(m.error());
  if (m->info.readonly()) {
    return makeError(Status(StatusCode::kReadOnly, fmt::format("{}: the mount at {} is read-only", path, m->info.path())));
  }
  std::string rel = relativeTo(path, m->info.path());
  SHOAL_RETURN_IF_ERROR(m->ufs->mkdirs(parentPath(rel), 0755).withContext(path));
  return m->ufs->create(rel, ufs::CreateOptions{mode, false});
}

Result<ufs::UfsStatus> UfsDirect::storeStatus(const std::string& path, uint64_t mount_version) {
  auto m = mountFor(path, mount_version);
  if (!m) return makeError(m.error());
  return m->ufs->getStatus(relativeTo(path, m->info.path()));
}

}  // namespace shoal::client
