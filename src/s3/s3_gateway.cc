#include "s3/s3_gateway.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

#include "common/bucket_name.h"
#include "common/path.h"
#include "s3/aws_chunked.h"
#include "s3/checksum.h"
#include "common/crypto.h"
#include "s3/s3_attrs.h"
#include "s3/s3_format.h"
#include "s3/s3_listing.h"
#include "s3/s3_operation.h"

namespace shoal::s3 {
namespace {

constexpr std::string_view kXmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr std::string_view kNs = "http://s3.amazonaws.com/doc/2006-03-01/";

S3Response xml(std::string body, int status = 200) {
  S3Response r;
  r.status = status;
  r.body = std::string(kXmlHead) + std::move(body);
  return r;
}

}  // namespace

S3Response errorResponse(const S3Error& e, const std::string& resource) {
  S3Response r;
  r.status = e.http;
  r.body = errorXml(e, resource, hex(randomBytes(8)));
  return r;
}

S3Gateway::S3Gateway(client::Context& client, vfs::Vfs& vfs, GatewayOptions options)
    : client_(client), vfs_(vfs), options_(std::move(options)), token_key_(randomBytes(32)) {}

S3Response S3Gateway::handle(const S3Request& req) {
  SignedRequest signed_req{req.method, req.path, req.query, req.header};
  AuthResult auth = verifySigV4(signed_req, options_.signing_keys, nowMs());
  if (!auth.identity) return errorResponse(auth.error, req.path);
  if (req.bucket.empty()) return dispatch(req, *auth.identity);
  // The bucket's directory, found once for the whole request.
  auto root = rootOf(req.bucket);
  if (!root) return errorResponse(fromStatus(root.error()), req.path);
  S3Request routed = req;
  routed.root = std::move(*root);
  if (auth.identity->chunked) return dispatchChunked(routed, *auth.identity);
  return dispatch(routed, *auth.identity);
}

// An aws-chunked body: the handlers see the decoded bytes and their length (as if sent plainly);
// a framing, signature or checksum fault found on the way fails the request with its own error,
// after the handler has thrown away what it had stored.
S3Response S3Gateway::dispatchChunked(const S3Request& req, const Identity& who) {
  auto decoded_length = req.header("x-amz-decoded-content-length");
  if (!decoded_length || decoded_length->empty() || decoded_length->size() > 19 ||
      !std::all_of(decoded_length->begin(), decoded_length->end(), ::isdigit)) {
    return errorResponse({411, "MissingContentLength", "an aws-chunked body needs x-amz-decoded-content-length"},
                         req.path);
  }
  std::string trailer = req.header("x-amz-trailer").value_or("");
  for (char& c : trailer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!trailer.empty() && !Checksum::forHeader(trailer)) {
    return errorResponse({400, "InvalidRequest", "x-amz-trailer names a checksum this gateway does not know: " +
                                                     trailer.substr(0, 64)}, req.path);
  }
  auto decoder = std::make_shared<ChunkedDecoder>(*who.chunked, trailer);
  S3Request plain = req;
  plain.content_length = std::stoull(*decoded_length);
  plain.read_body = [&req, decoder](const Sink& sink) {
    bool whole = req.read_body([&](std::string_view piece) { return decoder->feed(piece, sink); });
    return whole && decoder->done();
  };
  S3Response r = dispatch(plain, who);
  if (decoder->error()) return errorResponse(*decoder->error(), req.path);
  return r;
}

S3Response S3Gateway::dispatch(const S3Request& req, const Identity& who) {
  const Operation op = operationOf(req);
  const std::string& m = req.method;
  auto exists = [&]() -> std::optional<S3Response> {
    if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
    return std::nullopt;
  };
  switch (op) {
    case Operation::kGetObject:
    case Operation::kHeadObject:
    case Operation::kPutObject:
    case Operation::kCopyObject:
    case Operation::kDeleteObject:
      // An unversioned bucket's only version of an object is "null".
      if (req.has("versionId") && req.param("versionId") != "null") {
        return errorResponse({404, "NoSuchVersion", "The specified version does not exist."}, req.path);
      }
      break;
    default: break;
  }
  switch (op) {
    case Operation::kListBuckets: return listBuckets();
    case Operation::kListMultipartUploads: return listUploads(req);
    case Operation::kListObjectVersions: return listObjectVersions(req);
    case Operation::kGetBucketVersioning:
      // Buckets here are never versioned: S3 answers an empty configuration for those.
      if (auto e = exists()) return *e;
      return xml(fmt::format("<VersioningConfiguration xmlns=\"{}\"/>", kNs));
    case Operation::kGetBucketLocation:
      if (auto e = exists()) return *e;
      return xml(fmt::format("<LocationConstraint xmlns=\"{}\"></LocationConstraint>", kNs));
    case Operation::kListObjects: return listObjects(req);
    case Operation::kHeadBucket: return headBucket(req);
    case Operation::kCreateBucket: return createBucket(req);
    case Operation::kDeleteBucket: return deleteBucket(req);
    case Operation::kDeleteObjects: return deleteObjects(req);
    case Operation::kCreateMultipartUpload: return createUpload(req);
    case Operation::kUploadPart: return uploadPart(req, who);
    case Operation::kCompleteMultipartUpload: return completeUpload(req);
    case Operation::kAbortMultipartUpload: return abortUpload(req);
    case Operation::kListParts: return listParts(req);
    case Operation::kGetObject:
    case Operation::kHeadObject: return getObject(req);
    case Operation::kPutObject: return putObject(req, who);
    case Operation::kCopyObject: return copyObject(req);
    case Operation::kDeleteObject: return deleteObject(req);
    case Operation::kBucketSubresource:
      return errorResponse({501, "NotImplemented", "this bucket subresource is not supported yet"}, req.path);
    case Operation::kObjectSubresource:
      return errorResponse({501, "NotImplemented", "this object subresource is not supported yet"}, req.path);
    case Operation::kServiceMethodNotAllowed:
      return errorResponse({405, "MethodNotAllowed", m + " is not allowed on the service"}, req.path);
    case Operation::kBucketMethodNotAllowed:
      return errorResponse({405, "MethodNotAllowed", m + " is not allowed on a bucket"}, req.path);
    case Operation::kUploadMethodNotAllowed:
      return errorResponse({405, "MethodNotAllowed", m + " is not allowed on an upload"}, req.path);
    case Operation::kObjectMethodNotAllowed:
      return errorResponse({405, "MethodNotAllowed", m + " is not allowed on an object"}, req.path);
  }
  return errorResponse({500, "InternalError", "unrouted request"}, req.path);
}

Result<std::string> S3Gateway::rootOf(const std::string& bucket) {
  // Bound names are S3 names (the master checks them), so no other name costs a table lookup.
  if (options_.buckets && validS3BucketName(bucket)) {
    auto bound = options_.buckets->lookup(bucket);
    if (!bound) return makeError(bound.error().withContext("reading the bucket table"));
    if (*bound) return (*bound)->path;
  }
  // A top-level directory: a name that is one path component.
  if (bucket.find('/') != std::string::npos || !checkNormalized("/" + bucket)) return std::string();
  return "/" + bucket;
}

Status S3Gateway::requireBucket(const std::string& bucket, const std::string& root) {
  if (root.empty()) return Status(StatusCode::kNotFound, "The specified bucket does not exist: " + bucket);
  auto info = vfs_.attributes(root);
  if (!info || !info->is_dir()) {
    if (info || info.error().code() == StatusCode::kNotFound) {
      if (bound(bucket, root)) {
        return Status(StatusCode::kNotFound, "The specified bucket does not exist: " + bucket + " is bound to " + root +
                                                 ", which is not a directory (any more)");
      }
      return Status(StatusCode::kNotFound, "The specified bucket does not exist: " + bucket);
    }
    return info.error();
  }
  return Status::ok();
}

Result<std::string> S3Gateway::objectPath(const std::string& root, const std::string& key) const {
  if (root.empty()) return makeError(Status(StatusCode::kNotFound, "The specified bucket does not exist."));
  if (key.size() > 1024) return makeError(invalidArgument("keys are at most 1024 bytes"));
  std::string rel = key.ends_with('/') ? key.substr(0, key.size() - 1) : key;
  std::string path = root + "/" + rel;
  if (Status st = checkNormalized(path); !st) {
    return makeError(invalidArgument("key '" + key + "' cannot name a file: " + st.message()));
  }
  for (size_t start = 0;;) {
    size_t slash = rel.find('/', start);
    if (std::string_view(rel).substr(start).starts_with(kHiddenPrefix)) {
      return makeError(invalidArgument("keys may not have a part starting with " + std::string(kHiddenPrefix)));
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return path;
}

S3Response S3Gateway::listBuckets() {
  // The top-level directories and the bound names, in name order; a binding hides the directory
  // of its name.
  std::map<std::string, int64_t> buckets;  // name: creation time
  if (options_.buckets) {
    auto bound = options_.buckets->all();
    if (!bound) return errorResponse(fromStatus(bound.error().withContext("reading the bucket table")), "/");
    for (const auto& [name, b] : *bound) buckets[name] = b.created_ms;
  }
  auto entries = vfs_.list("/");
  if (!entries) return errorResponse(fromStatus(entries.error()), "/");
  for (const auto& e : *entries) {
    if (e.is_dir()) buckets.emplace(e.name(), e.mtime_ms());
  }
  std::string body = fmt::format("<ListAllMyBucketsResult xmlns=\"{}\"><Owner><ID>shoal</ID><DisplayName>shoal"
                                 "</DisplayName></Owner><Buckets>", kNs);
  for (const auto& [name, created] : buckets) {
    body += fmt::format("<Bucket><Name>{}</Name><CreationDate>{}</CreationDate></Bucket>", xmlEscape(name),
                        iso8601(created));
  }
  return xml(body + "</Buckets></ListAllMyBucketsResult>");
}

S3Response S3Gateway::createBucket(const S3Request& req) {
  if (!validS3BucketName(req.bucket)) {
    return errorResponse({400, "InvalidBucketName", "bucket names are 3-63 characters of a-z, 0-9, '.' and '-'"},
                         req.path);
  }
  if (bound(req.bucket, req.root)) {
    return errorResponse({409, "BucketAlreadyOwnedByYou", "the bucket exists: " + req.bucket + " is bound to " +
                                                              req.root}, req.path);
  }
  auto made = vfs_.mkdir(req.root, 0755);
  if (!made) {
    if (made.error().code() == StatusCode::kAlreadyExists) {
      return errorResponse({409, "BucketAlreadyOwnedByYou", "the bucket exists: " + req.bucket}, req.path);
    }
    return errorResponse(fromStatus(made.error()), req.path);
  }
  S3Response r;
  r.headers.emplace_back("Location", "/" + req.bucket);
  return r;
}

S3Response S3Gateway::headBucket(const S3Request& req) {
  if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  return S3Response{};
}

S3Response S3Gateway::deleteBucket(const S3Request& req) {
  if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  // A bound bucket's directory is not the gateway's to remove: it may hold anything.
  if (bound(req.bucket, req.root)) {
    return errorResponse({409, "InvalidBucketState", "bucket " + req.bucket + " is bound to " + req.root +
                                                         "; remove the binding with `shoal fs bucket unbind " +
                                                         req.bucket + "`"}, req.path);
  }
  // Uploads in progress do not keep a bucket: they go with it (S3 aborts them too). Anything else
  // does, whatever rmdir would say (a bucket that is a mount point is refused for being one only
  // once it is empty).
  bool uploads = false, others = false;
  Status listed = vfs_.listPages(req.root, "", [&](const std::vector<proto::FileInfo>& page) {
    for (const auto& e : page) (e.name() == kUploadsDir ? uploads : others) = true;
    return !others;
  });
  if (!listed) return errorResponse(fromStatus(listed, "NoSuchBucket"), req.path);
  if (others) return errorResponse({409, "BucketNotEmpty", "The bucket you tried to delete is not empty"}, req.path);
  if (uploads) (void)client_.master().remove(uploadsDir(req.root), /*recursive=*/true);
  Status st = vfs_.rmdir(req.root);
  if (!st) {
    if (st.code() == StatusCode::kDirectoryNotEmpty) {
      return errorResponse({409, "BucketNotEmpty", "The bucket you tried to delete is not empty"}, req.path);
    }
    return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  }
  S3Response r;
  r.status = 204;
  return r;
}

ListSource S3Gateway::sourceFor(const std::string& root) {
  return ListSource{
      [this, root](const std::string& dir_key, const std::string& start_after, const ListSource::Page& page) {
        return vfs_.listPages(dir_key.empty() ? root : root + "/" + dir_key.substr(0, dir_key.size() - 1),
                              start_after, page);
      },
      [this](const proto::FileInfo& dir) {
        return dir.has_xattrs() && vfs_.getXattr(dir.path(), kDirAttr).has_value();
      }};
}

Result<ListQuery> S3Gateway::listQuery(const S3Request& req) {
  ListQuery q;
  q.prefix = req.param("prefix");
  q.delimiter = req.param("delimiter");
  std::string max = req.param("max-keys");
  if (!max.empty()) {
    if (max.size() > 9 || !std::all_of(max.begin(), max.end(), ::isdigit)) {
      return makeError(invalidArgument("max-keys must be a non-negative integer"));
    }
    q.max_keys = std::min<size_t>(std::stoul(max), 1000);
  }
  return q;
}

// ListObjectVersions of a bucket that was never versioned: every object is its only version,
// "null", and the latest; there are no delete markers.
S3Response S3Gateway::listObjectVersions(const S3Request& req) {
  if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  auto q = listQuery(req);
  if (!q) return errorResponse({400, "InvalidArgument", q.error().message()}, req.path);
  q->after = req.param("key-marker");
  auto page = listKeys(*q, sourceFor(req.root));
  if (!page) return errorResponse(fromStatus(page.error(), "NoSuchBucket"), req.path);
  std::string body = fmt::format("<ListVersionsResult xmlns=\"{}\"><Name>{}</Name><Prefix>{}</Prefix><KeyMarker>{}"
                                 "</KeyMarker><VersionIdMarker>{}</VersionIdMarker><MaxKeys>{}</MaxKeys>",
                                 kNs, xmlEscape(req.bucket), xmlEscape(q->prefix), xmlEscape(q->after),
                                 xmlEscape(req.param("version-id-marker")), q->max_keys);
  if (!q->delimiter.empty()) body += "<Delimiter>" + xmlEscape(q->delimiter) + "</Delimiter>";
  body += fmt::format("<IsTruncated>{}</IsTruncated>", page->truncated ? "true" : "false");
  if (page->truncated) {
    body += "<NextKeyMarker>" + xmlEscape(page->last) + "</NextKeyMarker><NextVersionIdMarker>null</NextVersionIdMarker>";
  }
  for (const auto& o : page->objects) {
    uint64_t size = o.info.is_dir() ? 0 : o.info.size();
    body += fmt::format("<Version><Key>{}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest>"
                        "<LastModified>{}</LastModified><ETag>{}</ETag><Size>{}</Size>"
                        "<StorageClass>STANDARD</StorageClass></Version>",
                        xmlEscape(o.key), iso8601(o.info.mtime_ms()), xmlEscape(etagOf(o.info.path(), o.info)), size);
  }
  for (const auto& p : page->prefixes) body += "<CommonPrefixes><Prefix>" + xmlEscape(p) + "</Prefix></CommonPrefixes>";
  return xml(body + "</ListVersionsResult>");
}

S3Response S3Gateway::listObjects(const S3Request& req) {
  if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  const bool v2 = req.param("list-type") == "2";
  auto parsed = listQuery(req);
  if (!parsed) return errorResponse({400, "InvalidArgument", parsed.error().message()}, req.path);
  ListQuery q = std::move(*parsed);
  std::string token = req.param("continuation-token");
  // An empty token starts at the beginning (and is echoed), as S3 does.
  if (v2 && !token.empty()) {
    auto key = decodeToken(token, token_key_);
    if (!key) return errorResponse({400, "InvalidArgument", "The continuation token provided is incorrect"}, req.path);
    q.after = *key;
  } else if (v2) {
    q.after = req.param("start-after");
  } else {
    q.after = req.param("marker");
  }
  const bool url = req.param("encoding-type") == "url";
  if (req.has("encoding-type") && !url) {
    return errorResponse({400, "InvalidArgument", "encoding-type may only be 'url'"}, req.path);
  }
  auto page = listKeys(q, sourceFor(req.root));
  if (!page) return errorResponse(fromStatus(page.error(), "NoSuchBucket"), req.path);
  auto enc = [&](const std::string& s) { return xmlEscape(url ? uriEncode(s, true) : s); };
  std::string body = fmt::format("<ListBucketResult xmlns=\"{}\"><Name>{}</Name><Prefix>{}</Prefix>", kNs,
                                 xmlEscape(req.bucket), enc(q.prefix));
  if (v2) {
    body += fmt::format("<KeyCount>{}</KeyCount>", page->objects.size() + page->prefixes.size());
    if (req.has("continuation-token")) body += "<ContinuationToken>" + xmlEscape(token) + "</ContinuationToken>";
    if (req.has("start-after")) body += "<StartAfter>" + enc(req.param("start-after")) + "</StartAfter>";
    if (page->truncated) {
      body += "<NextContinuationToken>" + encodeToken(page->last, token_key_) + "</NextContinuationToken>";
    }
  } else {
    body += "<Marker>" + enc(q.after) + "</Marker>";
    if (page->truncated && !q.delimiter.empty()) body += "<NextMarker>" + enc(page->last) + "</NextMarker>";
  }
  body += fmt::format("<MaxKeys>{}</MaxKeys>", q.max_keys);
  if (!q.delimiter.empty()) body += "<Delimiter>" + enc(q.delimiter) + "</Delimiter>";
  if (url) body += "<EncodingType>url</EncodingType>";
  body += fmt::format("<IsTruncated>{}</IsTruncated>", page->truncated ? "true" : "false");
  for (const auto& o : page->objects) {
    uint64_t size = o.info.is_dir() ? 0 : o.info.size();
    body += fmt::format("<Contents><Key>{}</Key><LastModified>{}</LastModified><ETag>{}</ETag><Size>{}</Size>"
                        "<StorageClass>STANDARD</StorageClass></Contents>",
                        enc(o.key), iso8601(o.info.mtime_ms()), xmlEscape(etagOf(o.info.path(), o.info)), size);
  }
  for (const auto& p : page->prefixes) body += "<CommonPrefixes><Prefix>" + enc(p) + "</Prefix></CommonPrefixes>";
  return xml(body + "</ListBucketResult>");
}

}  // namespace shoal::s3
