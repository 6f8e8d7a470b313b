#include "ufs/ufs_registry.h"

#include <fmt/format.h>

#include "ufs/cephfs/cephfs_ufs.h"
#include "ufs/instrumented_ufs.h"
#include "ufs/local/local_ufs.h"
#include "ufs/s3/s3_ufs.h"

namespace shoal::ufs {

Status UfsRegistry::add(const std::string& scheme, UfsFactory factory) {
  if (!factories_.emplace(scheme, std::move(factory)).second) {
    return Status(StatusCode::kAlreadyExists, fmt::format("under-store scheme '{}' is registered twice", scheme));
  }
  return Status::ok();
}

std::vector<std::string> UfsRegistry::schemes() const {
  std::vector<std::string> out;
  for (const auto& [scheme, _] : factories_) out.push_back(scheme);
  return out;
}

Result<std::shared_ptr<Ufs>> UfsRegistry::create(const std::string& uri, const UfsOptions& options) const {
  auto parsed = parseUfsUri(uri);
  if (!parsed) return makeError(parsed.error());
  auto it = factories_.find(parsed->scheme);
  if (it == factories_.end()) {
    return makeError(invalidArgument(fmt::format("{}: unknown under-store scheme '{}' (known: {})", uri,
                                                 parsed->scheme, fmt::join(schemes(), ", "))));
  }
  auto backend = it->second(*parsed, options);
  if (!backend) return makeError(backend.error());
  std::shared_ptr<Ufs> wrapped = std::make_shared<InstrumentedUfs>(std::move(*backend), metrics_);
  // A mount whose root is missing would fail on every access later; refuse it now instead.
  auto root = wrapped->getStatus("/");
  if (!root) return makeError(root.error());
  if (!root->is_dir) return makeError(Status(StatusCode::kNotADirectory, uri + ": not a directory"));
  return wrapped;
}

void registerBuiltinUfs(UfsRegistry& registry) {
  (void)registerLocalUfs(registry);
  (void)registerCephUfs(registry);
  (void)registerS3Ufs(registry);
}

}  // namespace shoal::ufs
