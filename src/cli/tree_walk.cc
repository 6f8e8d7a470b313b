#include "cli/tree_walk.h"

namespace shoal::cli {

Status walkTree(stubs::MasterClient& master, const std::string& dir,
                const std::function<void(const proto::FileInfo&)>& visit) {
  std::vector<std::string> subdirs;
  Status st = master.listStatus(dir, [&](const std::vector<proto::FileInfo>& page) {
    for (const auto& f : page) {
      visit(f);
      if (f.is_dir()) subdirs.push_back(f.path());
    }
    return true;
  });
  if (!st) return st;
  for (const auto& d : subdirs) SHOAL_RETURN_IF_ERROR(walkTree(master, d, visit));
  return Status::ok();
}

}  // namespace shoal::cli
