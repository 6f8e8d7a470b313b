#include "common/user_names.h"

#include <grp.h>
#include <pwd.h>

namespace shoal {

std::string userName(uint32_t uid) {
  struct passwd pw, *res = nullptr;
  char buf[1024];
  if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res) return pw.pw_name;
  return std::to_string(uid);
}

std::string groupName(uint32_t gid) {
  struct group gr, *res = nullptr;
  char buf[1024];
  if (getgrgid_r(gid, &gr, buf, sizeof(buf), &res) == 0 && res) return gr.gr_name;
  return std::to_string(gid);
}

}  // namespace shoal
