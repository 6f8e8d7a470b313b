#include "s3/s3_endpoint.h"

#include <chrono>
#include <condition_variable>
#include <fmt/format.h>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <thread>

#include "client/client_metrics.h"
#include "client/live_client.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/property_key.h"
#include "common/units.h"
#include "s3/bucket_table.h"
#include "s3/master_keys.h"
#include "s3/s3_gateway.h"
#include "s3/s3_server.h"
#include "stubs/s3_bucket_client.h"
#include "vfs/vfs.h"

namespace shoal::s3 {

Result<std::map<std::string, std::string>> loadAccessKeys(const std::string& path) {
  const std::string key = std::string(keys::kProxyKeysFile);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return makeError(invalidArgument(key + " " + path + ": cannot be read"));
  if ((st.st_mode & 077) != 0) {
    return makeError(invalidArgument(fmt::format("{} {}: readable by others (mode {:o}); chmod 600 it", key, path,
                                                 st.st_mode & 0777)));
  }
  std::ifstream in(path);
  if (!in) return makeError(invalidArgument(key + " " + path + ": cannot be read"));
  std::map<std::string, std::string> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string access, secret, extra;
    if (!(words >> access)) continue;
    if (!(words >> secret) || (words >> extra)) {
      return makeError(invalidArgument(fmt::format("{} {} line {}: expected 'ACCESS_KEY SECRET_KEY'", key, path, n)));
    }
    out[access] = secret;
  }
  if (out.empty()) return makeError(invalidArgument(key + " " + path + ": no access keys in it"));
  return out;
}

struct S3Endpoint::Impl {
  Impl(const Configuration& c, std::string name) : conf(c), client_name(std::move(name)) {}
  Configuration conf;
  std::string client_name;
  std::unique_ptr<client::LiveClient> client;
  std::unique_ptr<MasterSigningKeys> master_keys;
  std::unique_ptr<BucketTable> buckets;
  std::unique_ptr<vfs::Vfs> vfs;
  std::unique_ptr<S3Gateway> gateway;
  std::unique_ptr<S3Server> server;
  std::string address;
  // The reaper of abandoned multipart uploads.
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;  // guarded by mu
  std::thread reaper;
};

S3Endpoint::S3Endpoint(const Configuration& conf, std::string client_name)
    : impl_(std::make_unique<Impl>(conf, std::move(client_name))) {}
S3Endpoint::~S3Endpoint() { stop(); }

Status S3Endpoint::start(const std::string& host, int port, std::string_view port_key, metrics::Registry& metrics) {
  auto& p = *impl_;
  // A keys file when one is set (read once, at start); else the keys the master keeps.
  const std::string keys_file = p.conf.getString(keys::kProxyKeysFile);
  std::optional<std::map<std::string, std::string>> file_keys;
  if (!keys_file.empty()) {
    auto access = loadAccessKeys(keys_file);
    if (!access) return access.error();
    file_keys = std::move(*access);
  }
  // S3 is read-after-write consistent: what the CLI or FUSE changed, the next request sees. So
  // the gateway keeps no metadata cache of its own (a client's default trusts a status 1 s).
  SHOAL_RETURN_IF_ERROR(p.conf.set(keys::kUserMetadataCacheExpiration, "0"));
  p.client = std::make_unique<client::LiveClient>(p.conf, p.client_name);
  p.vfs = std::make_unique<vfs::Vfs>(p.client->context());
  client::declareClientMetrics(metrics, p.client->context().master(), p.client->context().reader());
  GatewayOptions options;
  if (file_keys) {
    options.signing_keys = signingKeysFrom(std::move(*file_keys));
  } else {
    p.master_keys = std::make_unique<MasterSigningKeys>(p.client->context().master().connection());
    options.signing_keys = p.master_keys->asLookup();
  }
  p.buckets = std::make_unique<BucketTable>([conn = &p.client->context().master().connection()]()
                                                -> Result<std::map<std::string, BoundBucket>> {
    auto list = stubs::S3BucketClient(*conn).list();
    if (!list) return makeError(list.error());
    std::map<std::string, BoundBucket> table;
    for (const auto& b : *list) table[b.name()] = BoundBucket{b.path(), b.created_ms()};
    return table;
  });
  options.buckets = p.buckets.get();
  options.compute_md5 = p.conf.getBool(keys::kProxyEtagMd5);
  p.gateway = std::make_unique<S3Gateway>(p.client->context(), *p.vfs, std::move(options));
  p.server = std::make_unique<S3Server>(*p.gateway, p.conf.getString(keys::kProxyDomain), metrics);
  SHOAL_RETURN_IF_ERROR(p.server->start(host, port, static_cast<int>(p.conf.getInt(keys::kProxyThreads)), port_key));
  p.address = fmt::format("{}:{}", host, p.server->port());
  const int64_t expiry = p.conf.getDurationMs(keys::kProxyMultipartExpiry);
  p.reaper = std::thread([&p, expiry] {
    const auto every = std::chrono::milliseconds(std::min<int64_t>(std::max<int64_t>(expiry / 10, 100), 3'600'000));
    std::unique_lock lock(p.mu);
    while (!p.wake.wait_for(lock, every, [&] { return p.stopping; })) {
      lock.unlock();
      size_t n = p.gateway->reapUploads(nowMs() - expiry);
      if (n > 0) logger("s3")->info("removed {} multipart upload(s) older than {}", n, formatDurationMs(expiry));
      lock.lock();
    }
  });
  return Status::ok();
}

void S3Endpoint::stop() {
  auto& p = *impl_;
  {
    std::lock_guard lock(p.mu);
    p.stopping = true;
  }
  p.wake.notify_all();
  if (p.reaper.joinable()) p.reaper.join();
  if (p.server) p.server->stop();
}

const std::string& S3Endpoint::address() const { return impl_->address; }

}  // namespace shoal::s3
