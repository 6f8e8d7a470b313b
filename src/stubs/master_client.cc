#include "stubs/master_client.h"

#include <chrono>
#include <grpcpp/grpcpp.h>

#include "rpc/channel.h"
#include "stubs/master_connection.h"
#include "stubs/metadata_cache.h"
#include "common/path.h"
#include "master.grpc.pb.h"
#include "rpc/identity.h"
#include "rpc/limits.h"
#include "rpc/status_convert.h"

namespace shoal::stubs {

struct MasterClient::Impl {
  Impl(size_t cache_entries, int64_t cache_ttl_ms) : cache(cache_entries, cache_ttl_ms) {}

  std::unique_ptr<MasterConnection> conn;
  uint32_t page_size;
  MetadataCache cache;
  std::atomic<std::shared_ptr<const Defaults>> defaults;

  // One unary call on the leader, following redirects; errors name the master.
  template <typename Req, typename Resp>
  Status call(grpc::Status (proto::MasterService::Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
              const Req& req, Resp* resp, const std::string& request_id = "") {
    return conn->call(
        [&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext& ctx) {
          proto::MasterService::Stub stub(channel);
          resp->Clear();
          return (stub.*method)(&ctx, req, resp);
        },
        request_id);
  }
  // A change: carries a request id, the same on every attempt, so it is applied once.
  template <typename Req, typename Resp>
  Status mutate(grpc::Status (proto::MasterService::Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                const Req& req, Resp* resp) {
    return call(method, req, resp, conn->newRequestId());
  }
};

MasterClient::MasterClient(const Configuration& conf)
    : MasterClient(MasterConnection::addressesFrom(conf), conf.getDurationMs(keys::kUserRpcTimeout),
                   static_cast<uint32_t>(conf.getInt(keys::kUserListPageSize)),
                   static_cast<size_t>(conf.getInt(keys::kUserMetadataCacheMaxSize)),
                   conf.getDurationMs(keys::kUserMetadataCacheExpiration)) {
  Defaults d;
  d.sync_interval_ms.base = syncIntervalOf(conf);
  d.cache_entries = static_cast<size_t>(conf.getInt(keys::kUserMetadataCacheMaxSize));
  d.cache_ttl_ms = conf.getDurationMs(keys::kUserMetadataCacheExpiration);
  setDefaults(std::move(d));
}

MasterClient::MasterClient(const std::string& address, int64_t timeout_ms, uint32_t list_page_size,
                           size_t cache_entries, int64_t cache_ttl_ms)
    : MasterClient(std::vector<std::string>{address}, timeout_ms, list_page_size, cache_entries, cache_ttl_ms) {}

MasterClient::MasterClient(const std::vector<std::string>& addresses, int64_t timeout_ms, uint32_t list_page_size,
                           size_t cache_entries, int64_t cache_ttl_ms)
    : impl_(std::make_unique<Impl>(cache_entries, cache_ttl_ms)) {
  impl_->conn = std::make_unique<MasterConnection>(addresses, timeout_ms);
  impl_->page_size = list_page_size;
  Defaults d;
  d.cache_entries = cache_entries;
  d.cache_ttl_ms = cache_ttl_ms;
  impl_->defaults.store(std::make_shared<const Defaults>(std::move(d)));
}

void MasterClient::setDefaults(Defaults defaults) {
  impl_->cache.setLimits(defaults.cache_entries, defaults.cache_ttl_ms);
  impl_->defaults.store(std::make_shared<const Defaults>(std::move(defaults)));
}

std::optional<int64_t> MasterClient::syncIntervalOf(const Configuration& conf) {
  // Only a value someone chose is sent: otherwise the master's own setting applies.
  if (conf.sourceOf(keys::kUserMetadataSyncInterval) == ValueSource::kDefault) return std::nullopt;
  return conf.getDurationMs(keys::kUserMetadataSyncInterval);
}

std::string MasterClient::address() const { return impl_->conn->current(); }
MasterConnection& MasterClient::connection() { return *impl_->conn; }
std::vector<std::string> MasterClient::addresses() const { return impl_->conn->addresses(); }
int64_t MasterClient::timeoutMs() const { return impl_->conn->timeoutMs(); }

MasterClient::~MasterClient() = default;

namespace {
void setSync(proto::SyncOptions* s, std::optional<int64_t> ms, std::optional<int64_t> fallback) {
  if (ms) s->set_sync_interval_ms(*ms);
  else if (fallback) s->set_sync_interval_ms(*fallback);
}
}  // namespace

Result<proto::FileInfo> MasterClient::getStatus(const std::string& path, std::optional<int64_t> sync_ms) {
  if (!sync_ms) {
    if (auto hit = impl_->cache.get(path)) return std::move(*hit);
  }
  proto::GetStatusRequest req;
  req.set_path(path);
  setSync(req.mutable_sync(), sync_ms, impl_->defaults.load()->sync_interval_ms.at(path));
  proto::GetStatusResponse resp;
  Status st = impl_->call(&proto::MasterService::Stub::GetStatus, req, &resp);
  if (!st) return makeError(st);
  impl_->cache.put(path, resp.info());
  return std::move(*resp.mutable_info());
}

Result<std::vector<proto::PathResult>> MasterClient::getStatusBatch(const std::vector<std::string>& paths) {
  std::vector<proto::PathResult> out;
  out.reserve(paths.size());
  // The master takes at most rpc::kMaxBatchPaths per call (bounded work per RPC).
  const size_t per_call = rpc::kMaxBatchPaths;
  for (size_t i = 0; i < paths.size(); i += per_call) {
    proto::GetStatusBatchRequest req;
    for (size_t j = i; j < std::min(paths.size(), i + per_call); ++j) req.add_paths(paths[j]);
    // One interval for the batch: the one outside every path rule.
    setSync(req.mutable_sync(), std::nullopt, impl_->defaults.load()->sync_interval_ms.base);
    proto::GetStatusBatchResponse resp;
    Status st = impl_->call(&proto::MasterService::Stub::GetStatusBatch, req, &resp);
    if (!st) return makeError(st);
    for (auto& r : *resp.mutable_results()) out.push_back(std::move(r));
  }
  return out;
}

Status MasterClient::listStatus(const std::string& path,
                                const std::function<bool(const std::vector<proto::FileInfo>&)>& page,
                                std::optional<int64_t> sync_ms, const std::string& start_after) {
  proto::ListStatusRequest req;
  req.set_path(path);
  req.set_start_after(start_after);
  req.set_limit(impl_->page_size);
  setSync(req.mutable_sync(), sync_ms, impl_->defaults.load()->sync_interval_ms.at(path));
  for (;;) {
    proto::ListStatusResponse resp;
    SHOAL_RETURN_IF_ERROR(impl_->call(&proto::MasterService::Stub::ListStatus, req, &resp));
    std::vector<proto::FileInfo> entries(resp.entries().begin(), resp.entries().end());
    if (!page(entries) || !resp.has_more() || entries.empty()) return Status::ok();
    req.set_start_after(entries.back().name());
    req.set_continued(true);
  }
}

Result<std::vector<proto::FileInfo>> MasterClient::listAll(const std::string& path, std::optional<int64_t> sync_ms) {
  std::vector<proto::FileInfo> all;
  Status st = listStatus(
      path,
      [&](const std::vector<proto::FileInfo>& p) {
        all.insert(all.end(), p.begin(), p.end());
        return true;
      },
      sync_ms);
  if (!st) return makeError(st);
  return all;
}

Result<proto::FileInfo> MasterClient::createDirectory(const std::string& path, bool recursive,
                                                      std::optional<uint32_t> mode) {
  impl_->cache.invalidate(path);  // our own change: never serve the old status again
  impl_->cache.forget(parentPath(path));  // its mtime moved with the new entry
  proto::CreateDirectoryRequest req;
  req.set_path(path);
  req.set_recursive(recursive);
  if (mode) req.set_mode(*mode);
  proto::CreateDirectoryResponse resp;
  Status st = impl_->mutate(&proto::MasterService::Stub::CreateDirectory, req, &resp);
  if (!st) return makeError(st);
  return std::move(*resp.mutable_info());
}

Result<proto::FileInfo> MasterClient::createFile(const std::string& path, bool recursive, bool complete,
                                                 proto::WriteType write_type, std::optional<uint32_t> mode) {
  impl_->cache.invalidate(path);  // our own change: never serve the old status again
  impl_->cache.forget(parentPath(path));
  proto::CreateFileRequest req;
  req.set_path(path);
  req.set_recursive(recursive);
  req.set_complete(complete);
  req.set_write_type(write_type);
  if (mode) req.set_mode(*mode);
  proto::CreateFileResponse resp;
  Status st = impl_->mutate(&proto::MasterService::Stub::CreateFile, req, &resp);
  if (!st) return makeError(st);
  return std::move(*resp.mutable_info());
}

Result<proto::FileInfo> MasterClient::createSpecial(const std::string& path, proto::FileType type, uint32_t mode,
                                                    const std::string& symlink_target, uint64_t rdev) {
  impl_->cache.invalidate(path);
  impl_->cache.forget(parentPath(path));
  proto::CreateFileRequest req;
  req.set_path(path);
  req.set_complete(true);
  req.set_mode(mode);
  req.set_type(type);
  req.set_symlink_target(symlink_target);
  req.set_rdev(rdev);
  proto::CreateFileResponse resp;
  Status st = impl_->mutate(&proto::MasterService::Stub::CreateFile, req, &resp);
  if (!st) return makeError(st);
  return std::move(*resp.mutable_info());
}

Result<proto::FileInfo> MasterClient::completeFile(const std::string& path, uint64_t length, bool persisted,
                                                   uint64_t file_id, int64_t mtime_ms) {
  impl_->cache.invalidate(path);
  proto::CompleteFileRequest req;
  req.set_path(path);
  req.set_length(length);
  req.set_persisted(persisted);
  req.set_file_id(file_id);
  req.set_mtime_ms(mtime_ms);
  proto::CompleteFileResponse resp;
  Status st = impl_->mutate(&proto::MasterService::Stub::CompleteFile, req, &resp);
  if (!st) return makeError(st);
  return std::move(*resp.mutable_info());
}

Status MasterClient::remove(const std::string& path, bool recursive, bool shoal_only, uint64_t file_id) {
  impl_->cache.invalidate(path);  // our own change: never serve the old status again
  impl_->cache.forget(parentPath(path));
  proto::DeleteRequest req;
  req.set_path(path);
  req.set_recursive(recursive);
  req.set_shoal_only(shoal_only);
  req.set_file_id(file_id);
  proto::DeleteResponse resp;
  return impl_->mutate(&proto::MasterService::Stub::Delete, req, &resp);
}

Status MasterClient::rename(const std::string& src, const std::string& dst, bool replace, bool keep_xattrs) {
  impl_->cache.invalidate(src);
  impl_->cache.invalidate(dst);
  impl_->cache.forget(parentPath(src));
  impl_->cache.forget(parentPath(dst));
  proto::RenameRequest req;
  req.set_src(src);
  req.set_dst(dst);
  req.set_replace(replace);
  req.set_keep_xattrs(keep_xattrs);
  proto::RenameResponse resp;
  return impl_->mutate(&proto::MasterService::Stub::Rename, req, &resp);
}

Status MasterClient::setTimes(const std::string& path, std::optional<int64_t> mtime_ms, std::optional<int64_t> atime_ms) {
  impl_->cache.invalidate(path);
  proto::SetAttributeRequest req;
  req.set_path(path);
  if (mtime_ms) req.set_mtime_ms(*mtime_ms);
  if (atime_ms) req.set_atime_ms(*atime_ms);
  proto::SetAttributeResponse resp;
  return impl_->mutate(&proto::MasterService::Stub::SetAttribute, req, &resp);
}

Status MasterClient::setAttribute(const std::string& path, std::optional<uint32_t> mode,
                                  std::optional<std::string> owner, std::optional<std::string> group, bool recursive) {
  impl_->cache.invalidate(path);  // our own change: never serve the old status again
  proto::SetAttributeRequest req;
  req.set_path(path);
  if (mode) req.set_mode(*mode);
  if (owner) req.set_owner(*owner);
  if (group) req.set_group(*group);
  req.set_recursive(recursive);
  proto::SetAttributeResponse resp;
  return impl_->mutate(&proto::MasterService::Stub::SetAttribute, req, &resp);
}

Status MasterClient::setPinned(const std::string& path, bool pinned, bool recursive) {
  impl_->cache.invalidate(path);
  proto::SetAttributeRequest req;
  req.set_path(path);
  req.set_pinned(pinned);
  req.set_recursive(recursive);
  proto::SetAttributeResponse resp;
  return impl_->mutate(&proto::MasterService::Stub::SetAttribute, req, &resp);
}

Status MasterClient::mount(const std::string& path, const std::string& uri, bool readonly,
                           const std::map<std::string, std::string>& options) {
  impl_->cache.clear();
  proto::MountRequest req;
  req.set_path(path);
  req.set_uri(uri);
  req.set_readonly(readonly);
  for (const auto& [k, v] : options) (*req.mutable_options())[k] = v;
  proto::MountResponse resp;
  return impl_->mutate(&proto::MasterService::Stub::Mount, req, &resp);
}

Result<proto::MountInfo> MasterClient::updateMount(const std::string& path,
                                                   const std::map<std::string, std::string>& set,
                                                   const std::vector<std::string>& unset,
                                                   std::optional<bool> readonly) {
  impl_->cache.clear();
  proto::UpdateMountRequest req;
  req.set_path(path);
  for (const auto& [k, v] : set) (*req.mutable_options())[k] = v;
  for (const auto& k : unset) req.add_unset_options(k);
  if (readonly) {
    req.set_set_readonly(true);
    req.set_readonly(*readonly);
  }
  proto::UpdateMountResponse resp;
  Status st = impl_->mutate(&proto::MasterService::Stub::UpdateMount, req, &resp);
  if (!st) return makeError(st);
  return resp.mount();
}

Status MasterClient::unmount(const std::string& path) {
  impl_->cache.clear();
  proto::UnmountRequest req;
  req.set_path(path);
  proto::UnmountResponse resp;
  return impl_->mutate(&proto::MasterService::Stub::Unmount, req, &resp);
}

Result<std::vector<proto::MountInfo>> MasterClient::mountTable(uint64_t* version) {
  proto::GetMountTableRequest req;
  proto::GetMountTableResponse resp;
  Status st = impl_->call(&proto::MasterService::Stub::GetMountTable, req, &resp);
  if (!st) return makeError(st);
  if (version) *version = resp.version();
  return std::vector<proto::MountInfo>(resp.mounts().begin(), resp.mounts().end());
}

Status MasterClient::setXattr(const std::string& path, const std::string& name, const std::string& value,
                              proto::XattrMode mode, bool remove) {
  impl_->cache.invalidate(path);  // its ctime and has_xattrs move
  proto::SetXattrRequest req;
  req.set_path(path);
  req.set_name(name);
  req.set_value(value);
  req.set_mode(mode);
  req.set_remove(remove);
  proto::SetXattrResponse resp;
  return impl_->mutate(&proto::MasterService::Stub::SetXattr, req, &resp);
}

Result<std::map<std::string, std::string>> MasterClient::getXattrs(const std::string& path) {
  proto::GetXattrsRequest req;
  req.set_path(path);
  proto::GetXattrsResponse resp;
  Status st = impl_->call(&proto::MasterService::Stub::GetXattrs, req, &resp);
  if (!st) return makeError(st);
  return std::map<std::string, std::string>(resp.xattrs().begin(), resp.xattrs().end());
}

Result<proto::GetMasterInfoResponse> MasterClient::masterInfo() {
  proto::GetMasterInfoRequest req;
  proto::GetMasterInfoResponse resp;
  Status st = impl_->call(&proto::MasterService::Stub::GetMasterInfo, req, &resp);
  if (!st) return makeError(st);
  return resp;
}

Result<proto::GetMasterInfoResponse> MasterClient::masterInfoAt(const std::string& address, int64_t timeout_ms,
                                                                bool digest) {
  MasterConnection one({address}, timeout_ms);
  proto::GetMasterInfoRequest req;
  req.set_digest(digest);
  proto::GetMasterInfoResponse resp;
  Status st = one.call([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext& ctx) {
    return proto::MasterService::Stub(channel).GetMasterInfo(&ctx, req, &resp);
  });
  if (!st) return makeError(st);
  return resp;
}

Result<std::string> MasterClient::transferLeader(const std::string& journal_address) {
  proto::TransferLeaderRequest req;
  req.set_address(journal_address);
  proto::TransferLeaderResponse resp;
  Status st = impl_->call(&proto::MasterService::Stub::TransferLeader, req, &resp);
  if (!st) return makeError(st);
  return resp.leader_rpc_address();
}

Status MasterClient::changeQuorum(const std::string& journal_address, bool add) {
  proto::ChangeQuorumRequest req;
  req.set_address(journal_address);
  req.set_add(add);
  proto::ChangeQuorumResponse resp;
  return impl_->call(&proto::MasterService::Stub::ChangeQuorum, req, &resp);
}

}  // namespace shoal::stubs

namespace shoal::stubs {
uint64_t MasterClient::metadataCacheHits() const { return impl_->cache.hits(); }
uint64_t MasterClient::metadataCacheMisses() const { return impl_->cache.misses(); }
uint64_t MasterClient::masterRetries() const { return impl_->conn->retries(); }
uint64_t MasterClient::masterSwitches() const { return impl_->conn->switches(); }
size_t MasterClient::metadataCacheSize() const { return impl_->cache.size(); }
void MasterClient::dropMetadataCache(const std::string& path) {
  if (path == "/") impl_->cache.clear();
  else impl_->cache.invalidate(path);
}
}  // namespace shoal::stubs
