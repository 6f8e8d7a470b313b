#include "ufs/ufs.h"

#include <fmt/format.h>

#include "common/path.h"

namespace shoal::ufs {

// The message names neither the store's size nor its mtime: it travels to whoever asked a worker
// for the file, and they are facts of the store that caller has no right to learn this way.
Status changedInStore(const std::string& where) {
  return Status(StatusCode::kFailedPrecondition,
                fmt::format("{}: changed in the store since its metadata was read; reload its metadata", where));
}

Status Ufs::checkPath(const std::string& path) const {
  Status st = checkNormalized(path);
  if (!st) return st.withContext(uri() + ": refusing a path outside the store's normal form");
  return st;
}

Result<UfsStatus> Ufs::getStatus(const std::string& path) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  return doGetStatus(path);
}

Result<std::vector<UfsStatus>> Ufs::list(const std::string& path) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  return doList(path);
}

Result<size_t> Ufs::read(const std::string& path, uint64_t offset, std::span<char> buf) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  return doRead(path, offset, buf);
}

Result<size_t> Ufs::readIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                                    std::span<char> buf) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  return doReadIfUnchanged(path, size, mtime_ms, offset, buf);
}

Result<std::unique_ptr<UfsOutputStream>> Ufs::create(const std::string& path, const CreateOptions& opts) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  return doCreate(path, opts);
}

Status Ufs::mkdirs(const std::string& path, uint32_t mode) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  return doMkdirs(path, mode);
}

Status Ufs::remove(const std::string& path, bool recursive) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  return doRemove(path, recursive);
}

Status Ufs::rename(const std::string& src, const std::string& dst, bool replace) {
  SHOAL_RETURN_IF_ERROR(checkPath(src));
  SHOAL_RETURN_IF_ERROR(checkPath(dst));
  return doRename(src, dst, replace);
}

Status Ufs::concat(const std::vector<std::string>& srcs, const std::string& dst) {
  for (const auto& src : srcs) SHOAL_RETURN_IF_ERROR(checkPath(src));
  SHOAL_RETURN_IF_ERROR(checkPath(dst));
  if (srcs.empty()) return invalidArgument("concat of no files");
  return doConcat(srcs, dst);
}

Status Ufs::doConcat(const std::vector<std::string>&, const std::string& dst) {
  return Status(StatusCode::kNotSupported, uri() + ": the store cannot join files in place (" + dst + ")");
}

Status Ufs::setModificationTime(const std::string& path, int64_t mtime_ms) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  return doSetModificationTime(path, mtime_ms);
}

Status Ufs::doSetModificationTime(const std::string& path, int64_t) {
  return Status(StatusCode::kFailedPrecondition, uri() + ": the store cannot set modification times (" + path + ")");
}

Status Ufs::symlink(const std::string& target, const std::string& path) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  SHOAL_RETURN_IF_ERROR(validateLinkTarget(target).withContext(uri() + path));
  return doSymlink(target, path);
}

Status Ufs::doSymlink(const std::string&, const std::string& path) {
  return Status(StatusCode::kNotSupported, uri() + ": the store has no symbolic links (" + path + ")");
}

namespace {
Status checkXattrName(const std::string& store, const std::string& path, const std::string& name) {
  if (!name.starts_with("user.") || name.size() > 255 || name.find('\0') != std::string::npos) {
    return invalidArgument(store + path + ": extended attribute name '" + name + "' is not a user.* name");
  }
  return Status::ok();
}

Status noXattrs(const std::string& store, const std::string& path) {
  return Status(StatusCode::kNotSupported, store + ": the store keeps no extended attributes (" + path + ")");
}
}  // namespace

Status Ufs::setXattr(const std::string& path, const std::string& name, const std::string& value) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  SHOAL_RETURN_IF_ERROR(checkXattrName(uri(), path, name));
  return doSetXattr(path, name, value);
}

Status Ufs::removeXattr(const std::string& path, const std::string& name) {
  SHOAL_RETURN_IF_ERROR(checkPath(path));
  SHOAL_RETURN_IF_ERROR(checkXattrName(uri(), path, name));
  return doRemoveXattr(path, name);
}

Status Ufs::doSetXattr(const std::string& path, const std::string&, const std::string&) { return noXattrs(uri(), path); }

Status Ufs::doRemoveXattr(const std::string& path, const std::string&) { return noXattrs(uri(), path); }

Result<size_t> Ufs::doReadIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                                    std::span<char> buf) {
  auto st = getStatus(path);
  if (!st) return makeError(st.error());
  if (st->is_dir) return makeError(Status(StatusCode::kIsADirectory, uri() + path + ": is a directory"));
  if (st->size != size || st->mtime_ms != mtime_ms) {
    return makeError(changedInStore(uri() + path));
  }
  return read(path, offset, buf);
}

}  // namespace shoal::ufs
