// POSIX file semantics over the client library, for the front ends that need them (FUSE today;
// the S3 gateway and the Python binding next). The client writes a file once, start to end; the
// vfs gives programs what they expect of a file system on top of that: writes at any offset and
// after a flush, O_APPEND, O_RDWR, opening an existing file for writing, truncate up and down,
// O_TRUNC and rename over a file that never destroy the old content before the new one is
// published. Close-to-open consistency: a change is published at the flush, fsync or close that
// follows it; a reader that opens the file later sees the last published version. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "vfs/open_file.h"
#include "vfs/staging.h"

namespace shoal::vfs {

class Vfs {
 public:
  explicit Vfs(client::Context& client);

  // Opens `path` for writing with open(2)'s `flags`: O_CREAT makes it when absent (published at
  // once, empty, so the name exists for everyone), O_EXCL insists it was absent, O_TRUNC empties
  // it (published at the next flush). Handles of one path in this process share one OpenFile.
  Result<std::shared_ptr<OpenFile>> openWrite(const std::string& path, int flags, uint32_t mode);
  // The OpenFile of `path` if a handle in this process has it open for writing.
  std::shared_ptr<OpenFile> openFile(const std::string& path);
  // truncate(2) of a path: through its OpenFile if open, else staged and published here.
  Status truncate(const std::string& path, uint64_t size);
  // rename(2): replaces the destination unless `noreplace`; open files follow their names.
  Status rename(const std::string& from, const std::string& to, bool noreplace);
  // unlink(2): the name goes now; handles still open keep reading and are never published.
  // IsADirectory (EISDIR) on a directory.
  Status unlink(const std::string& path);
  // mkdir(2) and rmdir(2) (NotADirectory on anything else; DirectoryNotEmpty).
  Result<proto::FileInfo> mkdir(const std::string& path, uint32_t mode);
  Status rmdir(const std::string& path);
  // A directory's entries, read once (a paged readdir then sees one consistent directory).
  Result<std::vector<proto::FileInfo>> list(const std::string& path);
  // A listing a page at a time, from the first name after `start_after`: what holds only a page
  // in memory however large the directory. Stop early by returning false.
  Status listPages(const std::string& path, const std::string& start_after,
                   const std::function<bool(const std::vector<proto::FileInfo>&)>& page);
  // chmod/chown (the caller checked who may; ids without names stay numbers) and utimensat (the
  // mtime goes to the store where it can hold it, the atime to the namespace).
  Status setAttributes(const std::string& path, std::optional<uint32_t> mode, std::optional<std::string> owner,
                       std::optional<std::string> group);
  Status setTimes(const std::string& path, std::optional<int64_t> mtime_ms, std::optional<int64_t> atime_ms);
  // Reads `file`, a published version (what an open for reading snapshotted).
  Result<size_t> readPublished(const proto::FileInfo& file, uint64_t offset, std::span<char> buf);
  // Many ranges of a published version at once (client::FileReader::preadRanges).
  Result<std::vector<size_t>> readRangesPublished(const proto::FileInfo& file,
                                                  std::span<const client::RangeRead> ranges);
  // mknod(2)/mkfifo(3) of a FIFO, socket or device node (`type` from `mode`'s S_IFMT bits), and
  // of a regular file (an empty file, as open(O_CREAT|O_EXCL) then close).
  Result<proto::FileInfo> mknod(const std::string& path, uint32_t mode, uint64_t rdev);
  // symlink(2): the link's text is kept as given, resolved only by whoever follows it.
  Result<proto::FileInfo> symlink(const std::string& target, const std::string& path);
  // readlink(2): InvalidArgument (EINVAL) when `path` is not a link.
  Result<std::string> readlink(const std::string& path);
  // Extended attributes (user.* only; others NotSupported): kept by the master, so every client
  // sees them, and kept across the new versions writes publish.
  Status setXattr(const std::string& path, const std::string& name, const std::string& value, int flags);
  Result<std::string> getXattr(const std::string& path, const std::string& name);
  Result<std::vector<std::string>> listXattrs(const std::string& path);
  // Every extended attribute, names and values, in one master call.
  Result<std::map<std::string, std::string>> xattrs(const std::string& path);
  Status removeXattr(const std::string& path, const std::string& name);
  // Attributes of `path` as this process sees them: those of an open file with unpublished
  // changes, else the master's.
  Result<proto::FileInfo> attributes(const std::string& path);

  StagingArea& staging() { return staging_; }

 private:
  VfsDeps deps();

  client::Context& client_;
  stubs::MasterClient& master_;
  client::FileReader& reader_;
  StagingArea staging_;
  std::mutex mu_;
  std::unordered_map<std::string, std::weak_ptr<OpenFile>> open_;  // by path; guarded by mu_
};

}  // namespace shoal::vfs
