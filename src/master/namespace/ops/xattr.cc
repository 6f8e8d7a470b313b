// Extended attributes: user.* names only (what an unprivileged program may set on Linux; the
// trusted, security and system namespaces mean things to the kernel that a shared namespace over
// object and file stores cannot promise).
#include <fmt/format.h>

#include "master/namespace/namespace.h"

namespace shoal::master {

Status Namespace::checkXattr(const std::string& path, const std::string& name, size_t value_size) {
  if (!name.starts_with("user.") || name.size() == 5) {
    return Status(StatusCode::kNotSupported,
                  fmt::format("{}: extended attribute '{}': only user.* names are kept", path, name));
  }
  if (name.size() > 255) return invalidArgument(fmt::format("{}: extended attribute name longer than 255 bytes", path));
  if (name.find('\0') != std::string::npos) return invalidArgument(fmt::format("{}: a NUL in an attribute name", path));
  if (value_size > kMaxXattrValue) {
    return Status(StatusCode::kFileTooLarge,
                  fmt::format("{}: extended attribute {} of {} bytes (at most {})", path, name, value_size, kMaxXattrValue));
  }
  return Status::ok();
}

Result<Inode> Namespace::checkSetXattr(const proto::SetXattrEntry& e, XattrMap* after) const {
  SHOAL_RETURN_IF_ERROR(checkXattr(e.path(), e.name(), e.value().size()));
  auto inode = lookup(e.path());
  if (!inode) return inode;
  XattrMap attrs;
  store_->xattrs(inode->id, &attrs);
  auto it = attrs.find(e.name());
  if (e.remove() || e.mode() == proto::XATTR_REPLACE) {
    if (it == attrs.end()) {
      return makeError(Status(StatusCode::kNoAttribute, fmt::format("{}: no attribute {}", e.path(), e.name())));
    }
  }
  if (e.mode() == proto::XATTR_CREATE && it != attrs.end()) {
    return makeError(alreadyExists(fmt::format("{}: attribute {}", e.path(), e.name())));
  }
  if (e.remove()) {
    attrs.erase(it);
  } else {
    size_t total = 0;
    for (const auto& [n, v] : attrs) {
      if (n != e.name()) total += n.size() + v.size();
    }
    if (total + e.name().size() + e.value().size() > kMaxXattrTotal) {
      return makeError(Status(StatusCode::kNoSpace,
                              fmt::format("{}: extended attributes would pass {} bytes", e.path(), kMaxXattrTotal)));
    }
    attrs[e.name()] = e.value();
  }
  if (after) *after = std::move(attrs);
  return inode;
}

Status Namespace::setXattr(const proto::SetXattrEntry& e) {
  XattrMap attrs;
  auto inode = checkSetXattr(e, &attrs);
  if (!inode) return inode.error();
  store_->setXattrs(inode->id, std::move(attrs));
  if (e.change_ms() != 0) {
    inode->ctime_ms = e.change_ms();
    SHOAL_RETURN_IF_ERROR(store_->setAttrs(inode->id, *inode));
  }
  return Status::ok();
}

}  // namespace shoal::master
