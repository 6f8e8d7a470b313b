#include "vfs/vfs.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "client/client_settings.h"
#include "client/file_writer.h"
#include "common/path.h"

namespace shoal::vfs {

Vfs::Vfs(client::Context& client)
    : client_(client),
      master_(client.master()),
      reader_(client.reader()),
      staging_(client.conf().getString(keys::kUserFileStagingDir), client.conf().getBytes(keys::kUserFileStagingCapacity)) {}

VfsDeps Vfs::deps() { return VfsDeps{client_, master_, reader_, staging_}; }

std::shared_ptr<OpenFile> Vfs::openFile(const std::string& path) {
  std::lock_guard lock(mu_);
  auto it = open_.find(path);
  if (it == open_.end()) return nullptr;
  auto f = it->second.lock();
  if (!f) open_.erase(it);
  return f;
}

Result<std::shared_ptr<OpenFile>> Vfs::openWrite(const std::string& path, int flags, uint32_t mode) {
  if (auto shared = openFile(path)) {
    if ((flags & O_CREAT) && (flags & O_EXCL)) return makeError(alreadyExists(path));
    if (flags & O_TRUNC) SHOAL_RETURN_IF_ERROR(shared->truncate(0));
    return shared;
  }
  auto info = master_.getStatus(path);
  bool truncate = (flags & O_TRUNC) != 0;
  if (!info && info.error().code() == StatusCode::kNotFound && (flags & O_CREAT)) {
    // The name exists for everyone from now on, as after open(2): an empty first version, made
    // by the master in one call (it writes the empty file to the store itself).
    proto::WriteType type = client_.settings()->write_type.at(path);
    auto made = master_.createFile(path, /*recursive=*/false, /*complete=*/true, type, mode & 07777);
    if (made) {
      info = *made;
    } else if (made.error().code() == StatusCode::kAlreadyExists && !(flags & O_EXCL)) {
      info = master_.getStatus(path);  // made by someone else meanwhile: open theirs
    } else {
      return makeError(made.error());
    }
    if (info && info->size() == 0) truncate = false;
  } else if (info && (flags & O_CREAT) && (flags & O_EXCL)) {
    return makeError(alreadyExists(path));
  }
  if (!info) return makeError(info.error());
  if (info->is_dir()) return makeError(Status(StatusCode::kIsADirectory, path + ": is a directory"));
  if (info->type() != proto::FILE_TYPE_REGULAR) {
    return makeError(invalidArgument(path + ": not a regular file (a link, FIFO, socket or device has no data here)"));
  }
  auto file = std::make_shared<OpenFile>(deps(), path, *info, truncate);
  std::lock_guard lock(mu_);
  auto& slot = open_[path];
  if (auto raced = slot.lock()) {
    // Another handle of the same path opened meanwhile: share its content.
    if (truncate) SHOAL_RETURN_IF_ERROR(raced->truncate(0));
    return raced;
  }
  slot = file;
  return file;
}

Status Vfs::truncate(const std::string& path, uint64_t size) {
  if (auto f = openFile(path)) return f->truncate(size);
  auto f = openWrite(path, O_WRONLY, 0);
  if (!f) return f.error();
  if ((*f)->attributes().size() == size) return Status::ok();
  SHOAL_RETURN_IF_ERROR((*f)->truncate(size));
  return (*f)->publish();
}

Status Vfs::rename(const std::string& from, const std::string& to, bool noreplace) {
  SHOAL_RETURN_IF_ERROR(master_.rename(from, to, /*replace=*/!noreplace));
  std::lock_guard lock(mu_);
  // The replaced file's open handles keep their content and lose their name.
  if (auto it = open_.find(to); it != open_.end()) {
    if (auto f = it->second.lock()) f->unlinked();
    open_.erase(it);
  }
  // Open files under `from` (the file itself, or anything below a renamed directory) move along.
  std::vector<std::pair<std::string, std::weak_ptr<OpenFile>>> moved;
  for (auto it = open_.begin(); it != open_.end();) {
    if (isSameOrUnder(it->first, from)) {
      std::string now = to + it->first.substr(from.size());
      if (auto f = it->second.lock()) f->renamed(now);
      moved.emplace_back(now, it->second);
      it = open_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [p, w] : moved) open_[p] = w;
  return Status::ok();
}

Status Vfs::unlink(const std::string& path) {
  auto info = master_.getStatus(path);
  if (!info) return info.error();
  if (info->is_dir()) return Status(StatusCode::kIsADirectory, path + ": is a directory");
  SHOAL_RETURN_IF_ERROR(master_.remove(path, false));
  std::lock_guard lock(mu_);
  if (auto it = open_.find(path); it != open_.end()) {
    if (auto f = it->second.lock()) f->unlinked();
    open_.erase(it);
  }
  return Status::ok();
}

Result<proto::FileInfo> Vfs::mkdir(const std::string& path, uint32_t mode) {
  return master_.createDirectory(path, /*recursive=*/false, mode & 07777);
}

Status Vfs::rmdir(const std::string& path) {
  auto info = master_.getStatus(path);
  if (!info) return info.error();
  if (!info->is_dir()) return Status(StatusCode::kNotADirectory, path + ": not a directory");
  return master_.remove(path, /*recursive=*/false);
}

Result<std::vector<proto::FileInfo>> Vfs::list(const std::string& path) { return master_.listAll(path); }

Status Vfs::listPages(const std::string& path, const std::string& start_after,
                      const std::function<bool(const std::vector<proto::FileInfo>&)>& page) {
  return master_.listStatus(path, page, std::nullopt, start_after);
}

Status Vfs::setAttributes(const std::string& path, std::optional<uint32_t> mode, std::optional<std::string> owner,
                          std::optional<std::string> group) {
  if (!mode && !owner && !group) return Status::ok();
  return master_.setAttribute(path, mode, std::move(owner), std::move(group), /*recursive=*/false);
}

Status Vfs::setTimes(const std::string& path, std::optional<int64_t> mtime_ms, std::optional<int64_t> atime_ms) {
  if (!mtime_ms && !atime_ms) return Status::ok();
  return master_.setTimes(path, mtime_ms, atime_ms);
}

Result<size_t> Vfs::readPublished(const proto::FileInfo& file, uint64_t offset, std::span<char> buf) {
  return reader_.pread(file, offset, buf);
}

Result<std::vector<size_t>> Vfs::readRangesPublished(const proto::FileInfo& file,
                                                     std::span<const client::RangeRead> ranges) {
  return reader_.preadRanges(file, ranges);
}

Result<proto::FileInfo> Vfs::mknod(const std::string& path, uint32_t mode, uint64_t rdev) {
  proto::FileType type;
  switch (mode & S_IFMT) {
    case 0:
    case S_IFREG: {
      auto file = openWrite(path, O_WRONLY | O_CREAT | O_EXCL, mode & 07777);
      if (!file) return makeError(file.error());
      return (*file)->attributes();
    }
    case S_IFIFO: type = proto::FILE_TYPE_FIFO; break;
    case S_IFSOCK: type = proto::FILE_TYPE_SOCKET; break;
    case S_IFCHR: type = proto::FILE_TYPE_CHAR_DEVICE; break;
    case S_IFBLK: type = proto::FILE_TYPE_BLOCK_DEVICE; break;
    case S_IFDIR: return makeError(invalidArgument(path + ": mknod makes no directories (use mkdir)"));
    default: return makeError(invalidArgument(fmt::format("{}: unknown file type {:o}", path, mode & S_IFMT)));
  }
  return master_.createSpecial(path, type, mode & 07777, "", rdev);
}

Result<proto::FileInfo> Vfs::symlink(const std::string& target, const std::string& path) {
  return master_.createSpecial(path, proto::FILE_TYPE_SYMLINK, 0777, target);
}

Result<std::string> Vfs::readlink(const std::string& path) {
  auto info = master_.getStatus(path);
  if (!info) return makeError(info.error());
  if (info->type() != proto::FILE_TYPE_SYMLINK) return makeError(invalidArgument(path + ": not a symbolic link"));
  return info->symlink_target();
}

Status Vfs::setXattr(const std::string& path, const std::string& name, const std::string& value, int flags) {
  if ((flags & XATTR_CREATE) && (flags & XATTR_REPLACE)) return invalidArgument(path + ": setxattr with both CREATE and REPLACE");
  proto::XattrMode mode = (flags & XATTR_CREATE) ? proto::XATTR_CREATE : (flags & XATTR_REPLACE) ? proto::XATTR_REPLACE : proto::XATTR_ANY;
  return master_.setXattr(path, name, value, mode);
}

Result<std::string> Vfs::getXattr(const std::string& path, const std::string& name) {
  // Only user.* names are ever kept: the kernel's own questions (security.capability before a
  // write, system.posix_acl_* on access) are answered here without a master call.
  if (!name.starts_with("user.")) return makeError(Status(StatusCode::kNoAttribute, path + ": no attribute " + name));
  auto all = master_.getXattrs(path);
  if (!all) return makeError(all.error());
  auto it = all->find(name);
  if (it == all->end()) return makeError(Status(StatusCode::kNoAttribute, path + ": no attribute " + name));
  return it->second;
}

Result<std::vector<std::string>> Vfs::listXattrs(const std::string& path) {
  auto all = master_.getXattrs(path);
  if (!all) return makeError(all.error());
  std::vector<std::string> names;
  for (const auto& [name, value] : *all) names.push_back(name);
  return names;
}

Result<std::map<std::string, std::string>> Vfs::xattrs(const std::string& path) { return master_.getXattrs(path); }

Status Vfs::removeXattr(const std::string& path, const std::string& name) {
  return master_.setXattr(path, name, "", proto::XATTR_ANY, /*remove=*/true);
}

Result<proto::FileInfo> Vfs::attributes(const std::string& path) {
  // An open file with unpublished changes answers for itself; a clean one is what the master
  // says (a touch or chmod since it was opened shows).
  if (auto f = openFile(path); f && f->dirty()) return f->attributes();
  return master_.getStatus(path);
}

}  // namespace shoal::vfs
