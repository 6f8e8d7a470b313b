// One file open for writing through the vfs, shared by every handle of it in this process (a
// shell's dup2 and close, a second open of the same path). Its content is the version it was
// opened on (`base`) until the first change; from then on it lives whole in a staging file.
// publish() makes the staged content the file's next version: written to a hidden temporary
// name, then renamed over the file in one journaled step, so readers see the old version or the
// new one and a writer that dies before publishing leaves the old one intact. Writes after a
// publish (after flush, fsync, or close of a dup) go on to the next version. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include "client/context.h"
#include "common.pb.h"
#include "common/configuration.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "vfs/staging.h"

namespace shoal::vfs {

// What an open file needs from the process: the client's parts and the staging area.
struct VfsDeps {
  client::Context& client;
  stubs::MasterClient& master;  // client.master()
  client::FileReader& reader;   // client.reader()
  StagingArea& staging;
};

class OpenFile {
 public:
  // `base` is the published file (its id 0 when there is none yet). `truncated`: the content
  // starts empty and is a change (O_TRUNC) even if nothing is written.
  OpenFile(VfsDeps deps, std::string path, proto::FileInfo base, bool truncated);
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  // Writes at `offset` (at the end with `append`); returns the bytes written. A writer without
  // privilege (`privileged` false: not root) drops the set-user-ID bit and, on a group-executable
  // file, set-group-ID, as write(2) does on Linux.
  Result<size_t> write(uint64_t offset, std::span<const char> data, bool append, bool privileged = true);
  Result<size_t> read(uint64_t offset, std::span<char> buf);
  // FileTooLarge (EFBIG) past the staging area's capacity, the largest file this client can stage.
  Status truncate(uint64_t size);
  // fallocate(2) mode 0: the file grows to cover [offset, offset+len) (zeros), its staging space
  // held; with `keep_size` the size stays.
  Status allocate(uint64_t offset, uint64_t len, bool keep_size);
  // Makes the content the file's next version if it changed since the last publish.
  Status publish();
  // The file as this process sees it: the base's attributes with the current size and mtime.
  proto::FileInfo attributes() const;
  bool dirty() const;
  std::string path() const;
  // The file moved (rename) or lost its name (unlink: it is never published again).
  void renamed(const std::string& to);
  void unlinked();

 private:
  // REQUIRES mu_. Copies the base version into a staging file, once, before the first change.
  Status stageLocked();
  // REQUIRES mu_.
  Status truncateLocked(uint64_t size);
  // REQUIRES mu_. Grows the budget this file holds to cover `size` bytes.
  Status reserveLocked(uint64_t size);

  VfsDeps deps_;
  mutable std::mutex mu_;
  std::string path_;           // guarded by mu_
  proto::FileInfo base_;       // guarded by mu_: the version the content started from
  UniqueFd fd_;                // guarded by mu_: the staging file, once staged
  bool staged_ = false;        // guarded by mu_
  bool dirty_ = false;         // guarded by mu_: changed since the last publish
  bool orphan_ = false;        // guarded by mu_: unlinked while open
  uint64_t size_ = 0;          // guarded by mu_
  int64_t mtime_ms_ = 0;       // guarded by mu_
  uint64_t reserved_ = 0;      // guarded by mu_: staging bytes held
  bool drop_setid_ = false;    // guarded by mu_: an unprivileged write happened since the last publish
};

}  // namespace shoal::vfs
