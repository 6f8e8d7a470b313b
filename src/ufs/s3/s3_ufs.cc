#include "ufs/s3/s3_ufs.h"

#include <cstdlib>
#include <fmt/format.h>

#include "common/path.h"
#include "common/units.h"
#include "ufs/s3/s3_output_stream.h"
#include "ufs/s3/s3_xml.h"

namespace shoal::ufs {
namespace {

UfsStatus fileStatus(std::string name, uint64_t size, int64_t mtime_ms, std::string etag) {
  UfsStatus s;
  s.name = std::move(name);
  s.size = size;
  s.mtime_ms = mtime_ms;
  s.mode = 0644;
  s.content_hash = std::move(etag);
  return s;
}

UfsStatus dirStatus(std::string name) {
  UfsStatus s;
  s.name = std::move(name);
  s.is_dir = true;
  s.mode = 0755;
  return s;
}

std::string nameOf(const std::string& path) { return path == "/" ? "" : std::string(baseName(path)); }

}  // namespace

S3Ufs::S3Ufs(S3Config config, std::string prefix, uint64_t part_size)
    : client_(std::make_shared<S3Client>(std::move(config))), prefix_(std::move(prefix)), part_size_(part_size) {}

std::string S3Ufs::key(const std::string& path) const { return prefix_ + path.substr(1); }

std::string S3Ufs::dirKey(const std::string& path) const { return path == "/" ? prefix_ : key(path) + "/"; }

Result<S3ListPage> S3Ufs::listPage(const std::string& prefix, bool delimited, const std::string& token,
                                   int max_keys) {
  S3Request req{.method = "GET", .key = "", .query = {{"list-type", "2"}, {"prefix", prefix},
                                                      {"max-keys", std::to_string(max_keys)}}};
  if (delimited) req.query.emplace_back("delimiter", "/");
  if (!token.empty()) req.query.emplace_back("continuation-token", token);
  auto r = client_->send(req);
  if (!r) return makeError(r.error());
  if (r->status != 200) return makeError(s3Error(*r, uri()));
  return parseListObjectsV2(r->body);
}

Result<std::vector<std::string>> S3Ufs::allKeys(const std::string& prefix) {
  std::vector<std::string> keys;
  std::string token;
  do {
    auto page = listPage(prefix, false, token, 1000);
    if (!page) return makeError(page.error());
    for (auto& o : page->objects) keys.push_back(std::move(o.key));
    token = page->truncated ? page->next_token : "";
  } while (!token.empty());
  return keys;
}

Result<UfsStatus> S3Ufs::headFile(const std::string& path) {
  auto r = client_->send(S3Request{.method = "HEAD", .key = key(path)});
  if (!r) return makeError(r.error());
  if (r->status != 200) return makeError(s3Error(*r, where(path)));
  std::string etag = r->header("etag");
  if (etag.size() >= 2 && etag.front() == '"') etag = etag.substr(1, etag.size() - 2);
  return fileStatus(nameOf(path), std::strtoull(r->header("content-length").c_str(), nullptr, 10),
                    parseHttpTimeMs(r->header("last-modified")), etag);
}

Result<UfsStatus> S3Ufs::doGetStatus(const std::string& path) {
  if (path == "/") {
    // The root exists when the bucket answers a listing: this is also what makes a wrong key or a
    // missing bucket a mount-time error.
    auto page = listPage(prefix_, true, "", 1);
    if (!page) return makeError(page.error());
    return dirStatus("");
  }
  auto file = headFile(path);
  if (file || file.error().code() != StatusCode::kNotFound) return file;
  // Not an object: a directory when anything (its marker included) sits under "path/".
  auto page = listPage(dirKey(path), true, "", 1);
  if (!page) return makeError(page.error());
  if (page->objects.empty() && page->prefixes.empty()) return makeError(notFound(where(path)));
  return dirStatus(nameOf(path));
}

Result<std::vector<UfsStatus>> S3Ufs::doList(const std::string& path) {
  std::string dir = dirKey(path);
  std::vector<UfsStatus> out;
  bool seen = path == "/";
  std::string token;
  do {
    auto page = listPage(dir, true, token, 1000);
    if (!page) return makeError(page.error());
    // The store's answer is input too: a key or prefix outside the one asked for (a broken or
    // hostile endpoint) is skipped, never cut with substr past its end.
    for (const auto& o : page->objects) {
      if (!o.key.starts_with(dir)) continue;
      seen = true;
      if (o.key == dir) continue;  // the directory's own marker
      out.push_back(fileStatus(o.key.substr(dir.size()), o.size, o.mtime_ms, o.etag));
    }
    for (const auto& p : page->prefixes) {
      if (!p.starts_with(dir) || p.size() < dir.size() + 2 || p.back() != '/') continue;
      seen = true;
      out.push_back(dirStatus(p.substr(dir.size(), p.size() - dir.size() - 1)));
    }
    token = page->truncated ? page->next_token : "";
  } while (!token.empty());
  if (!seen) {
    auto file = headFile(path);
    if (file) return makeError(Status(StatusCode::kNotADirectory, where(path) + ": not a directory"));
    return makeError(notFound(where(path)));
  }
  return out;
}

Result<size_t> S3Ufs::get(const std::string& path, const uint64_t* size, const int64_t* mtime_ms, uint64_t offset,
                          std::span<char> buf) {
  if (buf.empty() || (size && offset >= *size)) return size_t{0};
  S3Request req{.method = "GET",
                .key = key(path),
                .headers = {fmt::format("Range: bytes={}-{}", offset, offset + buf.size() - 1)},
                .into = buf,
                .use_into = true};
  auto r = client_->send(req);
  if (!r) return makeError(r.error());
  if (r->status == 416) return size_t{0};  // the range starts at or past the end
  if (r->status != 200 && r->status != 206) return makeError(s3Error(*r, where(path)));
  if (size) {
    // The version comes with the bytes: the object's total size and its Last-Modified.
    std::string range = r->header("content-range");
    size_t slash = range.rfind('/');
    uint64_t total = slash == std::string::npos ? std::strtoull(r->header("content-length").c_str(), nullptr, 10)
                                                : std::strtoull(range.c_str() + slash + 1, nullptr, 10);
    int64_t mtime = parseHttpTimeMs(r->header("last-modified"));
    if (total != *size || mtime != *mtime_ms) return makeError(changedInStore(where(path)));
  }
  if (r->status == 200 && offset > 0) {
    return makeError(Status(StatusCode::kIoError, where(path) + ": the store ignored the byte range of a read"));
  }
  return r->received;
}

Result<size_t> S3Ufs::doRead(const std::string& path, uint64_t offset, std::span<char> buf) {
  return get(path, nullptr, nullptr, offset, buf);
}

Result<size_t> S3Ufs::doReadIfUnchanged(const std::string& path, uint64_t size, int64_t mtime_ms, uint64_t offset,
                                      std::span<char> buf) {
  return get(path, &size, &mtime_ms, offset, buf);
}

Result<std::unique_ptr<UfsOutputStream>> S3Ufs::doCreate(const std::string& path, const CreateOptions& opts) {
  if (path == "/") return makeError(invalidArgument(uri() + ": cannot write the root as a file"));
  if (!opts.overwrite) {
    auto existing = headFile(path);
    if (existing) return makeError(alreadyExists(where(path)));
    if (existing.error().code() != StatusCode::kNotFound) return makeError(existing.error());
  }
  return std::unique_ptr<UfsOutputStream>(
      new S3OutputStream(client_, key(path), where(path), opts.overwrite, part_size_));
}

Status S3Ufs::doMkdirs(const std::string& path, uint32_t mode) {
  if (path == "/") return Status::ok();
  // Parents need no markers: a listing shows them as common prefixes of the new marker.
  for (std::string p = path; p != "/"; p = parentPath(p)) {
    auto file = headFile(p);
    if (file) return Status(StatusCode::kNotADirectory, where(p) + ": exists and is not a directory");
    if (file.error().code() != StatusCode::kNotFound) return file.error();
  }
  auto r = client_->send(S3Request{.method = "PUT", .key = dirKey(path)});
  if (!r) return r.error();
  if (r->status != 200) return s3Error(*r, where(path));
  return Status::ok();
}

Status S3Ufs::deleteKey(const std::string& k, const std::string& path) {
  auto r = client_->send(S3Request{.method = "DELETE", .key = k});
  if (!r) return r.error();
  if (r->status != 204 && r->status != 200) return s3Error(*r, where(path));
  return Status::ok();
}

Status S3Ufs::copyKey(const std::string& from, const std::string& to, const std::string& path) {
  S3Request req{.method = "PUT",
                .key = to,
                .headers = {"x-amz-copy-source: /" + client_->config().bucket + "/" + S3Client::encode(from, true)}};
  auto r = client_->send(req);
  if (!r) return r.error();
  if (r->status != 200 || !parseS3Error(r->body).first.empty()) return s3Error(*r, where(path));
  return Status::ok();
}

Status S3Ufs::doRemove(const std::string& path, bool recursive) {
  if (path == "/") return invalidArgument(uri() + ": refusing to remove the root of an under-store");
  SHOAL_RETURN_IF_ERROR(removeKeys(path, recursive));
  // A directory exists in S3 only while something is under it: removing its last entry would
  // remove it too. A marker keeps it, as a file system (and Shoal's namespace) expects.
  std::string parent = parentPath(path);
  if (parent == "/") return Status::ok();
  auto left = listPage(dirKey(parent), true, "", 1);
  if (!left) return left.error();
  if (!left->objects.empty() || !left->prefixes.empty()) return Status::ok();
  auto r = client_->send(S3Request{.method = "PUT", .key = dirKey(parent)});
  if (!r) return r.error();
  return r->status == 200 ? Status::ok() : s3Error(*r, where(parent));
}

Status S3Ufs::removeKeys(const std::string& path, bool recursive) {
  auto file = headFile(path);
  if (file) return deleteKey(key(path), path);
  if (file.error().code() != StatusCode::kNotFound) return file.error();
  std::string dir = dirKey(path);
  auto keys = allKeys(dir);
  if (!keys) return keys.error();
  if (keys->empty()) return notFound(where(path));
  if (!recursive && (keys->size() > 1 || keys->front() != dir)) {
    return Status(StatusCode::kDirectoryNotEmpty, where(path) + ": directory not empty");
  }
  // Children first and the marker last, so a failure midway leaves the directory listable.
  for (const auto& k : *keys) {
    if (k != dir) SHOAL_RETURN_IF_ERROR(deleteKey(k, path));
  }
  if (std::find(keys->begin(), keys->end(), dir) != keys->end()) return deleteKey(dir, path);
  return Status::ok();
}

Status S3Ufs::doRename(const std::string& src, const std::string& dst, bool replace) {
  auto existing = getStatus(dst);
  if (existing && !replace) return alreadyExists(where(dst)).withContext("rename " + where(src));
  if (!existing && existing.error().code() != StatusCode::kNotFound) return existing.error();
  auto file = headFile(src);
  if (file) {
    // A copy onto an existing key replaces it whole: readers see the old object or the new one.
    SHOAL_RETURN_IF_ERROR(copyKey(key(src), key(dst), src));
    return deleteKey(key(src), src);
  }
  if (file.error().code() != StatusCode::kNotFound) return file.error();
  // A directory replaces an empty one (the caller checked it is empty): its marker goes first.
  if (existing && existing->is_dir) SHOAL_RETURN_IF_ERROR(remove(dst, false).withContext("rename " + where(src)));
  std::string from = dirKey(src), to = dirKey(dst);
  auto keys = allKeys(from);
  if (!keys) return keys.error();
  if (keys->empty()) return notFound(where(src));
  for (const auto& k : *keys) {
    if (!k.starts_with(from)) return Status(StatusCode::kIoError, where(src) + ": the store listed a key outside it: " + k);
    SHOAL_RETURN_IF_ERROR(copyKey(k, to + k.substr(from.size()), src));
  }
  for (const auto& k : *keys) SHOAL_RETURN_IF_ERROR(deleteKey(k, src));
  return Status::ok();
}

namespace {

std::string envOr(std::initializer_list<const char*> names, std::string fallback) {
  for (const char* n : names) {
    const char* v = std::getenv(n);
    if (v && *v) return v;
  }
  return fallback;
}

}  // namespace

Status registerS3Ufs(UfsRegistry& registry) {
  return registry.add("s3", [](const UfsUri& uri, const UfsOptions& options) -> Result<std::unique_ptr<Ufs>> {
    S3Config config;
    config.uri = uri.toString();
    config.bucket = uri.authority;
    if (config.bucket.empty()) {
      return makeError(invalidArgument(fmt::format("{}: an s3:// URI names a bucket (s3://bucket/prefix)", config.uri)));
    }
    config.region = envOr({"AWS_REGION", "AWS_DEFAULT_REGION"}, "us-east-1");
    config.access_key = envOr({"AWS_ACCESS_KEY_ID"}, "");
    config.secret_key = envOr({"AWS_SECRET_ACCESS_KEY"}, "");
    config.endpoint = envOr({"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}, "");
    std::string path_style;
    uint64_t part_size = 8ull << 20;
    for (const auto& [k, v] : options) {
      if (k == "s3.endpoint") {
        config.endpoint = v;
      } else if (k == "s3.region") {
        config.region = v;
      } else if (k == "s3.access.key") {
        config.access_key = v;
      } else if (k == "s3.secret.key") {
        config.secret_key = v;
      } else if (k == "s3.path.style") {
        if (v != "true" && v != "false") {
          return makeError(invalidArgument(fmt::format("{}: s3.path.style must be true or false, not '{}'", config.uri, v)));
        }
        path_style = v;
      } else if (k == "s3.multipart.part.size") {
        auto n = parseBytes(v);
        // S3 refuses parts under 5 MiB (but the last) and allows 10,000 parts.
        if (!n || *n < (5ull << 20) || *n > (5ull << 30)) {
          return makeError(invalidArgument(
              fmt::format("{}: s3.multipart.part.size '{}' must be a size from 5MiB to 5GiB", config.uri, v)));
        }
        part_size = *n;
      } else if (k == "s3.timeout") {
        auto ms = parseDurationMs(v);
        if (!ms || *ms <= 0) {
          return makeError(invalidArgument(fmt::format("{}: s3.timeout '{}' is not a positive duration", config.uri, v)));
        }
        config.connect_timeout = config.stall_timeout = std::chrono::milliseconds(*ms);
      } else {
        return makeError(invalidArgument(
            fmt::format("{}: unknown mount option '{}' for s3:// (known: s3.endpoint, s3.region, s3.access.key, "
                        "s3.secret.key, s3.path.style, s3.multipart.part.size, s3.timeout)",
                        config.uri, k)));
      }
    }
    if (config.access_key.empty() || config.secret_key.empty()) {
      return makeError(invalidArgument(fmt::format(
          "{}: no credentials: give s3.access.key and s3.secret.key, or set AWS_ACCESS_KEY_ID and "
          "AWS_SECRET_ACCESS_KEY", config.uri)));
    }
    if (config.endpoint.empty()) config.endpoint = "https://s3." + config.region + ".amazonaws.com";
    while (config.endpoint.ends_with('/')) config.endpoint.pop_back();
    if (!config.endpoint.starts_with("http://") && !config.endpoint.starts_with("https://")) {
      return makeError(invalidArgument(
          fmt::format("{}: s3.endpoint '{}' must start with http:// or https://", config.uri, config.endpoint)));
    }
    // AWS wants virtual-host addressing; other stores (RGW, MinIO) are usually reached by path.
    config.path_style = path_style.empty() ? config.endpoint.find("amazonaws.com") == std::string::npos
                                           : path_style == "true";
    std::string prefix = uri.path == "/" ? "" : uri.path.substr(1) + "/";
    return std::unique_ptr<Ufs>(new S3Ufs(std::move(config), std::move(prefix), part_size));
  });
}

}  // namespace shoal::ufs
