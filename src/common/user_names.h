// Names of numeric users and groups, the way `ls -l` shows them: the name from the system's
// databases, or the number when there is none. Thread-safe (the reentrant getpw*_r calls).
#pragma once

#include <cstdint>
#include <string>

namespace shoal {

std::string userName(uint32_t uid);
std::string groupName(uint32_t gid);

}  // namespace shoal
