// Maps URI schemes to backend factories. Backends are added by explicit calls
// (registerLocalUfs(registry), ...), never by static self-registration, which the linker can
// silently drop. Filled at start-up, then read-only: safe to share for lookups.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "ufs/ufs.h"

namespace shoal::ufs {

struct UfsMetrics;

using UfsFactory = std::function<Result<std::unique_ptr<Ufs>>(const UfsUri& uri, const UfsOptions& options)>;

class UfsRegistry {
 public:
  // Fails when the scheme is already registered.
  Status add(const std::string& scheme, UfsFactory factory);
  // Creates a backend for `uri`, wrapped in the instrumenting decorator. Errors name the URI and the
  // cause: unknown scheme, bad options, a root that does not exist or is not a directory.
  Result<std::shared_ptr<Ufs>> create(const std::string& uri, const UfsOptions& options) const;
  std::vector<std::string> schemes() const;
  // Stores created from now on feed these metrics (the process's, declared once); must outlive them.
  void setMetrics(UfsMetrics* metrics) { metrics_ = metrics; }

 private:
  std::map<std::string, UfsFactory> factories_;
  UfsMetrics* metrics_ = nullptr;
};

// Registers every backend compiled into this build.
void registerBuiltinUfs(UfsRegistry& registry);

}  // namespace shoal::ufs
