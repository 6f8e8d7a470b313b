#include "fuse/fuse_shell.h"

#include <cerrno>
#include <cstring>

#include "common/logging.h"
#include "common/path.h"

namespace shoal::fuse {

FuseShell::FuseShell(FuseFs& fs, const std::string& prefix) : fs_(fs), name_(baseName(prefix)) {
  auto clash = fs_.master->getStatus(joinPath(fs_.nodes.root(), name_));
  if (clash) {
    logger("fuse")->warn("{} exists under the mount root; the FUSE shell ({}) hides it here. Set "
                         "shoal.fuse.shell.prefix to another name to see it.", clash->path(), prefix);
  }
}

void FuseShell::replyDir(fuse_req_t req, uint64_t ino, bool entry) {
  struct stat st{};
  st.st_ino = ino;
  bool file = ino == kSize;
  st.st_mode = file ? (S_IFREG | 0444) : (S_IFDIR | 0555);
  st.st_nlink = file ? 1 : 2;
  st.st_size = file ? static_cast<off_t>(sizeText().size()) : 0;
  if (!entry) return void(fuse_reply_attr(req, &st, 0));
  fuse_entry_param e{};
  e.ino = ino;
  e.generation = 1;
  e.attr = st;  // timeouts 0: every access comes back here
  fuse_reply_entry(req, &e);
}

std::string FuseShell::sizeText() const { return std::to_string(fs_.master->metadataCacheSize()) + "\n"; }

bool FuseShell::lookup(fuse_req_t req, uint64_t parent, const char* name) {
  std::string n = name;
  if (parent == FUSE_ROOT_ID && n == name_) return replyDir(req, kRoot, true), true;
  if (!isShell(parent)) return false;
  if (parent == kRoot && n == "metadatacache") return replyDir(req, kMetaCache, true), true;
  if (parent == kMetaCache && n == "drop") return replyDir(req, kDrop, true), true;
  if (parent == kMetaCache && n == "size") return replyDir(req, kSize, true), true;
  std::string below;
  {
    std::lock_guard lock(mu_);
    if (parent == kDrop) {
      below = "/" + n;
    } else if (auto it = drop_nodes_.find(parent); it != drop_nodes_.end()) {
      below = it->second + "/" + n;
    } else {
      fuse_reply_err(req, ENOENT);
      return true;
    }
  }
  // drop/<path>: each component looked up drops that path, and answers as a directory so the
  // kernel goes on to the next component.
  dropPath(joinPath(fs_.nodes.root(), below.substr(1)));
  uint64_t ino = next_++;
  {
    std::lock_guard lock(mu_);
    if (drop_nodes_.size() > 10000) drop_nodes_.clear();
    drop_nodes_[ino] = below;
  }
  replyDir(req, ino, true);
  return true;
}

bool FuseShell::getattr(fuse_req_t req, uint64_t ino) {
  if (!isShell(ino)) return false;
  replyDir(req, ino, false);
  return true;
}

bool FuseShell::opendir(fuse_req_t req, uint64_t ino, fuse_file_info* fi) {
  if (!isShell(ino)) return false;
  if (ino == kSize) return fuse_reply_err(req, ENOTDIR), true;
  fi->fh = 0;
  fuse_reply_open(req, fi);
  return true;
}

bool FuseShell::open(fuse_req_t req, uint64_t ino, fuse_file_info* fi) {
  if (!isShell(ino)) return false;
  if (ino != kSize) return fuse_reply_err(req, EISDIR), true;
  if ((fi->flags & O_ACCMODE) != O_RDONLY) return fuse_reply_err(req, EACCES), true;
  fi->direct_io = 1;  // the text changes between reads
  fuse_reply_open(req, fi);
  return true;
}

void FuseShell::readdir(fuse_req_t req, uint64_t ino, size_t, off_t off, fuse_file_info*) {
  // Listing drop/ is the command; shell directories list nothing.
  if (ino == kDrop && off == 0) dropAll();
  fuse_reply_buf(req, nullptr, 0);
}

void FuseShell::read(fuse_req_t req, uint64_t ino, size_t size, off_t off) {
  if (ino != kSize) return void(fuse_reply_err(req, EISDIR));
  std::string text = sizeText();
  size_t from = std::min(text.size(), static_cast<size_t>(off));
  fuse_reply_buf(req, text.data() + from, std::min(size, text.size() - from));
}

void FuseShell::dropPath(const std::string& path) {
  fs_.master->dropMetadataCache(path);
  if (auto ino = fs_.nodes.find(path)) {
    fs_.forgetIno(*ino);
    fuse_lowlevel_notify_inval_inode(fs_.session, *ino, 0, 0);
    if (path != fs_.nodes.root()) {
      if (auto parent = fs_.nodes.find(parentPath(path))) {
        std::string base(baseName(path));
        fuse_lowlevel_notify_inval_entry(fs_.session, *parent, base.c_str(), base.size());
      }
    }
  }
}

void FuseShell::dropAll() {
  fs_.master->dropMetadataCache("/");
  {
    std::lock_guard lock(fs_.mu);
    fs_.given.clear();
  }
  int entries = 0;
  for (const auto& [ino, path] : fs_.nodes.all()) {
    fuse_lowlevel_notify_inval_inode(fs_.session, ino, 0, 0);
    if (path == fs_.nodes.root()) continue;
    if (auto parent = fs_.nodes.find(parentPath(path))) {
      std::string base(baseName(path));
      if (fuse_lowlevel_notify_inval_entry(fs_.session, *parent, base.c_str(), base.size()) == 0) ++entries;
    }
  }
  logger("fuse")->info("metadata cache dropped; {} kernel entries invalidated", entries);
}

}  // namespace shoal::fuse
