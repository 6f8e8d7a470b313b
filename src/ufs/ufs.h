// The under-store interface every backend implements (file://, cephfs://, s3://). A Ufs instance is
// bound to one root URI (a mount's target); every path it takes is absolute and normalised *within
// that root* ("/" is the root itself), so a backend can never be asked for something outside it.
// Implementations must be safe for concurrent calls from many threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"

namespace shoal::ufs {

struct UfsStatus {
  std::string name;  // last component ("" for the root)
  bool is_dir = false;
  uint64_t size = 0;
  int64_t mtime_ms = 0;
  uint32_t mode = 0;  // permission bits (07777)
  std::string owner;
  std::string group;
  // Identity of the content as the store sees it (etag for object stores, "" where size+mtime
  // is the fingerprint). A change means cached data of this file is stale.
  std::string content_hash;
  // A symbolic link (reported as itself, never followed): its text. Stores without links leave
  // it empty.
  std::string symlink_target;
};

// A file being written. Data becomes visible under its name only when close() succeeds; cancel()
// (or destruction without close) leaves nothing behind.
class UfsOutputStream {
 public:
  virtual ~UfsOutputStream() = default;
  virtual Status write(std::span<const char> data) = 0;
  virtual Status close() = 0;
  virtual void cancel() = 0;
};

struct CreateOptions {
  uint32_t mode = 0644;
  bool overwrite = false;
};

// The public calls check the contract above (a cheap scan, no allocation) and refuse a path that is
// not normal with InvalidArgument before any backend sees it; backends implement the do*() calls,
// which may therefore assume an absolute, normalised path with no ".." in it.
class Ufs {
 public:
  virtual ~Ufs() = default;
  // The root URI this instance is bound to, for messages.
  virtual const std::string& uri() const = 0;

  Result<UfsStatus> getStatus(const std::string& path);
  // Entries of a directory, in no particular order.
  Result<std::vector<UfsStatus>> list(const std::string& path);
  // Positional read; returns the bytes read (0 at or past EOF). No shared seek state.
  Result<size_t> read(const std::string& path, uint64_t offset, std::span<char> buf);
  // A positional read of the file only while it still has `size` and `mtime_ms` (the version the
  // caller caches): FailedPrecondition, and no bytes, when it changed.
  Result<size_t> readIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                                 std::span<char> buf);
  Result<std::unique_ptr<UfsOutputStream>> create(const std::string& path, const CreateOptions& opts);
  // Creates the directory and any missing parents; an existing directory is not an error.
  Status mkdirs(const std::string& path, uint32_t mode);
  // Removes a file, or a directory (which must be empty unless `recursive`).
  Status remove(const std::string& path, bool recursive);
  // Renames within this store. The destination must not exist, unless `replace`: then, as
  // rename(2), an existing file is replaced by a file and an existing empty directory by a
  // directory, atomically where the store can (the caller has checked the kinds match).
  Status rename(const std::string& src, const std::string& dst, bool replace = false);
  // Sets the file's modification time (touch -d, utimensat). FailedPrecondition when the store
  // cannot (an S3 object's time is when it was written).
  Status setModificationTime(const std::string& path, int64_t mtime_ms);
  // Creates a symbolic link at `path` holding `target` (stored as text, never resolved by Shoal).
  // NotSupported where the store has no links (S3): the link then lives in Shoal's namespace only.
  Status symlink(const std::string& target, const std::string& path);
  // Sets or removes one extended attribute (user.* names; the caller checked them) of the file or
  // directory at `path`, never through a symbolic link. NotSupported where the store keeps none
  // (S3, a file system mounted without them): the attribute then lives in Shoal's namespace only.
  // Removing an attribute the store does not have is not an error.
  Status setXattr(const std::string& path, const std::string& name, const std::string& value);
  Status removeXattr(const std::string& path, const std::string& name);
  // A new file at `dst` (replacing one there) holding the files `srcs` one after another, made
  // inside the store without the bytes passing through the caller (an S3 multipart Complete);
  // `dst` appears whole or not at all. NotSupported where the store cannot: the caller copies.
  Status concat(const std::vector<std::string>& srcs, const std::string& dst);

 protected:
  virtual Result<UfsStatus> doGetStatus(const std::string& path) = 0;
  virtual Result<std::vector<UfsStatus>> doList(const std::string& path) = 0;
  virtual Result<size_t> doRead(const std::string& path, uint64_t offset, std::span<char> buf) = 0;
  // The default asks getStatus() and then read(), two store requests; a backend that learns the
  // version from the read itself (the headers of an S3 GET, an open CephFS file) overrides it.
  virtual Result<size_t> doReadIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                                           std::span<char> buf);
  virtual Result<std::unique_ptr<UfsOutputStream>> doCreate(const std::string& path, const CreateOptions& opts) = 0;
  virtual Status doMkdirs(const std::string& path, uint32_t mode) = 0;
  virtual Status doRemove(const std::string& path, bool recursive) = 0;
  virtual Status doRename(const std::string& src, const std::string& dst, bool replace) = 0;
  // The default: the store cannot.
  virtual Status doSetModificationTime(const std::string& path, int64_t mtime_ms);
  virtual Status doSymlink(const std::string& target, const std::string& path);  // default: NotSupported
  // Both default to NotSupported.
  virtual Status doSetXattr(const std::string& path, const std::string& name, const std::string& value);
  virtual Status doRemoveXattr(const std::string& path, const std::string& name);
  virtual Status doConcat(const std::vector<std::string>& srcs, const std::string& dst);  // default: NotSupported

 private:
  Status checkPath(const std::string& path) const;
};

// A parsed "scheme://authority/path" URI.
struct UfsUri {
  std::string scheme;
  std::string authority;
  std::string path;  // normalised, absolute
  std::string toString() const;
};
Result<UfsUri> parseUfsUri(const std::string& uri);

using UfsOptions = std::map<std::string, std::string>;

// The FailedPrecondition of readIfUnchanged(). It names no size or mtime: the message reaches
// peers of a worker, who must learn nothing of a store file through it.
Status changedInStore(const std::string& where);

// Files being written are staged under names with this prefix (where the store has no unnamed
// files) and renamed into place on close; listings hide them.
inline constexpr std::string_view kUfsTempPrefix = ".shoal_tmp.";

}  // namespace shoal::ufs
