// The object operations of S3Gateway: GET/HEAD (ranges, conditions, response overrides), PUT
// (digests checked before the object appears), copy, and the deletes.
#include <fmt/format.h>
#include <map>
#include <pugixml.hpp>

#include "common/crypto.h"
#include "s3/checksum.h"
#include "s3/s3_attrs.h"
#include "s3/s3_format.h"
#include "s3/s3_gateway.h"
#include "s3/s3_listing.h"

namespace shoal::s3 {
namespace {

constexpr std::string_view kXmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr std::string_view kNs = "http://s3.amazonaws.com/doc/2006-03-01/";
constexpr size_t kPiece = 1 << 20;

std::string versionOf(const proto::FileInfo& f) { return fmt::format("{}:{}", f.size(), f.mtime_ms()); }

// A single "bytes=" range of a `size`-byte object as [start, end); nullopt when unsatisfiable.
// Malformed or multiple ranges are ignored (the whole object), as S3 does.
struct Range {
  bool whole = true;
  uint64_t start = 0, end = 0;
};
std::optional<Range> parseRange(const std::string& h, uint64_t size) {
  Range r{true, 0, size};
  if (!h.starts_with("bytes=") || h.find(',') != std::string::npos) return r;
  std::string spec = h.substr(6);
  size_t dash = spec.find('-');
  if (dash == std::string::npos) return r;
  std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
  auto num = [](const std::string& s) -> std::optional<uint64_t> {
    if (s.empty() || s.size() > 19 || !std::all_of(s.begin(), s.end(), ::isdigit)) return std::nullopt;
    return std::stoull(s);
  };
  if (a.empty()) {  // the last b bytes
    auto n = num(b);
    if (!n) return r;
    if (*n == 0) return std::nullopt;
    return Range{false, size - std::min(*n, size), size};
  }
  auto s = num(a);
  if (!s) return r;
  std::optional<uint64_t> e = b.empty() ? std::optional<uint64_t>(*s) : num(b);
  if (!e || *e < *s) return r;  // "bytes=9-3" is no range: the whole object
  if (*s >= size) return std::nullopt;
  if (b.empty()) e = size - 1;
  return Range{false, *s, std::min(*e + 1, size)};
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

// If-Match / If-None-Match lists.
bool matchesAny(const std::string& list, const std::string& etag) {
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
    if (b != std::string::npos) {
      item = item.substr(b, e - b + 1);
      if (item == "*" || unquote(item) == unquote(etag)) return true;
    }
    if (comma == std::string::npos) return false;
    start = comma + 1;
  }
}

}  // namespace

std::string S3Gateway::etagOf(const std::string& path, const proto::FileInfo& info) {
  if (!info.has_xattrs()) return etagOrMd5(path, info, {});
  auto all = vfs_.xattrs(path);
  return etagOrMd5(path, info, all ? *all : std::map<std::string, std::string>{});
}

std::string S3Gateway::etagOrMd5(const std::string& path, const proto::FileInfo& info,
                                 const std::map<std::string, std::string>& xattrs) {
  std::string etag = etagFrom(info, xattrs);
  if (!options_.compute_md5 || info.is_dir() || info.type() != proto::FILE_TYPE_REGULAR || etag != fallbackEtag(info)) {
    return etag;  // recorded (a PUT's MD5, a multipart ETag, one computed before), or not wanted
  }
  // A file written through FUSE or the CLI: its MD5, read once through the cache and recorded for
  // this version (a later write makes a new version, and a new MD5 is computed for it).
  Digest md5("md5");
  if (!streamFile(info, 0, info.size(), [&](std::string_view piece) {
        md5.update(piece);
        return true;
      })) {
    return etag;
  }
  const std::string hex_md5 = hex(md5.finish());
  (void)vfs_.setXattr(path, kEtagAttr, versionOf(info) + ":" + hex_md5, 0);
  return "\"" + hex_md5 + "\"";
}

std::string S3Gateway::etagFrom(const proto::FileInfo& info, const std::map<std::string, std::string>& xattrs) {
  // "size:mtime:etag": only while the file is still the version the PUT wrote.
  auto it = xattrs.find(kEtagAttr);
  const std::string version = versionOf(info) + ":";
  if (it != xattrs.end() && it->second.size() > version.size() && it->second.starts_with(version)) {
    return "\"" + it->second.substr(version.size()) + "\"";
  }
  return fallbackEtag(info);
}

std::string S3Gateway::fallbackEtag(const proto::FileInfo& info) {
  return fmt::format("\"{:x}{:x}-{:x}\"", info.id(), info.mtime_ms(), info.size());
}

S3Response S3Gateway::getObject(const S3Request& req) {
  // The bucket's existence is asked only when the key is not found (NoSuchBucket or NoSuchKey):
  // a GET that finds its object costs two master calls, not three.
  if (req.root.empty()) {
    return errorResponse(fromStatus(requireBucket(req.bucket, req.root), "NoSuchBucket"), req.path);
  }
  auto path = objectPath(req.root, req.key);
  if (!path) return errorResponse(fromStatus(path.error()), req.path);
  auto info = vfs_.attributes(*path);
  const bool marker_key = req.key.ends_with('/');
  if (info && info->is_dir() && !(marker_key && vfs_.getXattr(*path, kDirAttr).has_value())) {
    info = makeError(Status(StatusCode::kNotFound, "The specified key does not exist."));
  }
  if (info && !info->is_dir() && (marker_key || info->type() != proto::FILE_TYPE_REGULAR)) {
    info = makeError(Status(StatusCode::kNotFound, "The specified key does not exist."));
  }
  if (!info) {
    if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
    return errorResponse(fromStatus(info.error()), req.path);
  }
  const uint64_t size = info->is_dir() ? 0 : info->size();
  // One master call for the ETag, type and metadata together (each was a call of its own).
  std::map<std::string, std::string> xattrs;
  if (info->has_xattrs()) {
    if (auto all = vfs_.xattrs(*path)) xattrs = std::move(*all);
  }
  const std::string etag = etagOrMd5(*path, *info, xattrs);
  const int64_t mtime = info->mtime_ms() / 1000 * 1000;  // HTTP dates have seconds
  // Conditions, in S3's order of precedence.
  auto if_match = req.header("if-match"), if_none = req.header("if-none-match");
  auto if_since = req.header("if-modified-since"), if_unmod = req.header("if-unmodified-since");
  if (if_match && !matchesAny(*if_match, etag)) {
    return errorResponse({412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"},
                         req.path);
  }
  if (!if_match && if_unmod) {
    auto t = parseHttpDate(*if_unmod);
    if (t && mtime > *t) {
      return errorResponse({412, "PreconditionFailed", "the object was modified since If-Unmodified-Since"}, req.path);
    }
  }
  S3Response r;
  r.headers = {{"ETag", etag}, {"Last-Modified", httpDate(mtime)}, {"Accept-Ranges", "bytes"}};
  bool not_modified = if_none ? matchesAny(*if_none, etag) : false;
  if (!if_none && if_since) {
    auto t = parseHttpDate(*if_since);
    not_modified = t && mtime <= *t;
  }
  if (not_modified) {
    r.status = 304;
    return r;
  }
  r.content_type = req.has("response-content-type") ? req.param("response-content-type") : "application/octet-stream";
  for (const auto& [n, v] : xattrs) {
    if (n == kTypeAttr && !req.has("response-content-type")) r.content_type = v;
    else if (n.starts_with(kMetaAttr)) r.headers.emplace_back("x-amz-meta-" + n.substr(strlen(kMetaAttr)), v);
  }
  // What the PUT sent, unless a response-* parameter overrides it.
  for (const char* o : kStoredHeaders) {
    std::string q = std::string("response-") + o;
    if (req.has(q)) {
      r.headers.emplace_back(o, req.param(q));
    } else if (auto it = xattrs.find(std::string(kHeaderAttr) + o); it != xattrs.end()) {
      r.headers.emplace_back(o, it->second);
    }
  }
  auto range = parseRange(req.header("range").value_or(""), size);
  if (!range) {
    r = errorResponse({416, "InvalidRange", fmt::format("The requested range is not satisfiable (the object has {} "
                                                        "bytes)", size)}, req.path);
    r.headers.emplace_back("Content-Range", fmt::format("bytes */{}", size));
    return r;
  }
  if (!range->whole) {
    r.status = 206;
    r.headers.emplace_back("Content-Range", fmt::format("bytes {}-{}/{}", range->start, range->end - 1, size));
  }
  r.stream_length = range->end - range->start;
  if (req.method == "HEAD" || *r.stream_length == 0) {
    r.stream = [](const Sink&) { return true; };
    return r;
  }
  proto::FileInfo version = *info;  // reads see the version stat'ed, whatever is published meanwhile
  // A read that fails mid-body ends it early: the client sees fewer bytes than Content-Length.
  r.stream = [this, version, start = range->start, end = range->end](const Sink& sink) {
    return streamFile(version, start, end, sink);
  };
  return r;
}

bool S3Gateway::streamFile(const proto::FileInfo& version, uint64_t start, uint64_t end, const Sink& sink) {
  std::string buf(std::min<uint64_t>(kPiece, std::max<uint64_t>(end - start, 1)), '\0');
  for (uint64_t pos = start; pos < end;) {
    auto got = vfs_.readPublished(version, pos, {buf.data(), std::min<uint64_t>(buf.size(), end - pos)});
    if (!got || *got == 0 || !sink(std::string_view(buf.data(), *got))) return false;
    pos += *got;
  }
  return true;
}

std::variant<S3Gateway::CopyRange, S3Error> S3Gateway::copySource(const std::string& header,
                                                                  const std::optional<std::string>& range) {
  std::string decoded;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == '%' && i + 2 < header.size() && std::isxdigit(static_cast<unsigned char>(header[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(header[i + 2]))) {
      decoded += static_cast<char>(std::stoi(header.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += header[i];
    }
  }
  if (decoded.starts_with('/')) decoded.erase(0, 1);
  size_t slash = decoded.find('/');
  if (slash == std::string::npos || decoded.find('?') != std::string::npos) {
    return S3Error{400, "InvalidArgument", "x-amz-copy-source must be bucket/key"};
  }
  std::string bucket = decoded.substr(0, slash), key = decoded.substr(slash + 1);
  auto root = rootOf(bucket);
  if (!root) return fromStatus(root.error());
  if (Status st = requireBucket(bucket, *root); !st) return fromStatus(st, "NoSuchBucket");
  auto path = objectPath(*root, key);
  if (!path) return fromStatus(path.error());
  auto src = vfs_.attributes(*path);
  if (src && (src->is_dir() || src->type() != proto::FILE_TYPE_REGULAR)) {
    src = makeError(Status(StatusCode::kNotFound, "The specified key does not exist."));
  }
  if (!src) return fromStatus(src.error());
  CopyRange out{*src, 0, src->size()};
  if (range) {
    auto r = parseRange(*range, src->size());
    if (!r || r->whole) {
      return S3Error{400, "InvalidArgument", "x-amz-copy-source-range must be bytes=first-last within the object"};
    }
    out.start = r->start;
    out.end = r->end;
  }
  return out;
}

S3Gateway::BodyChecks S3Gateway::checksOf(const S3Request& req, const Identity& who) {
  BodyChecks c{req.header("content-md5"), who.payload_sha256, "", ""};
  for (const char* name : {"x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-sha1",
                           "x-amz-checksum-sha256"}) {
    if (auto v = req.header(name)) {
      c.checksum_name = name;
      c.checksum_value = *v;
      break;
    }
  }
  return c;
}

std::variant<S3Gateway::Stored, S3Error> S3Gateway::store(
    const std::string& path, const std::function<bool(const Sink&)>& body, const BodyChecks& checks,
    std::optional<uint64_t> expected_length,
    const std::vector<std::pair<std::string, std::string>>& xattrs, const std::optional<std::string>& etag) {
  if (auto e = directoryAt(path)) return *e;
  const std::string temp = tempNameFor(path);
  auto writer = client_.createFile(temp);
  if (!writer) {
    const Status& st = writer.error();
    if (st.code() == StatusCode::kNotADirectory || st.code() == StatusCode::kAlreadyExists) {
      return S3Error{409, "InvalidObjectState",
                     "a part of the key is an object, so the key cannot be a path under it: " + path};
    }
    return fromStatus(st);
  }
  const std::optional<std::string>& content_md5 = checks.content_md5;
  const std::string& payload_sha256 = checks.payload_sha256;
  Digest md5("md5"), sha("sha256");
  auto checksum = checks.checksum_name.empty() ? nullptr : Checksum::forHeader(checks.checksum_name);
  uint64_t received = 0;
  Status failed;
  bool complete = body([&](std::string_view piece) {
    received += piece.size();
    if (received > options_.max_put_bytes) {
      failed = Status(StatusCode::kFileTooLarge, "too large");
      return false;
    }
    md5.update(piece);
    if (!payload_sha256.empty()) sha.update(piece);
    if (checksum) checksum->update(piece);
    failed = (*writer)->write({piece.data(), piece.size()});
    return failed.isOk();
  });
  auto abandon = [&](S3Error e) -> std::variant<Stored, S3Error> {
    (*writer)->cancel();
    (void)vfs_.unlink(temp);
    return e;
  };
  if (failed.code() == StatusCode::kFileTooLarge) {
    return abandon({400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size"});
  }
  if (!failed) return abandon(fromStatus(failed));
  if (!complete || (expected_length && received != *expected_length)) {
    return abandon({400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length"});
  }
  std::string digest = md5.finish();
  if (content_md5 && !constantTimeEqual(unbase64(*content_md5), digest)) {
    return abandon({400, "BadDigest", "The Content-MD5 you specified did not match what we received."});
  }
  if (!payload_sha256.empty() && !constantTimeEqual(hex(sha.finish()), payload_sha256)) {
    return abandon({400, "XAmzContentSHA256Mismatch",
                    "The provided 'x-amz-content-sha256' header does not match what was computed."});
  }
  if (checksum && !constantTimeEqual(checksum->base64Value(), checks.checksum_value)) {
    return abandon({400, "BadDigest", "The " + checks.checksum_name + " you specified did not match the calculated "
                                      "checksum."});
  }
  auto info = (*writer)->close();
  if (!info) return abandon(fromStatus(info.error()));
  const std::string md5_hex = hex(digest);
  return publish(temp, path, *info, etag.value_or(md5_hex), md5_hex, xattrs);
}

std::optional<S3Error> S3Gateway::directoryAt(const std::string& path) {
  auto existing = vfs_.attributes(path);
  if (existing && existing->is_dir()) {
    return S3Error{409, "InvalidObjectState", "a directory (prefix) already has this name: " + path};
  }
  return std::nullopt;
}

std::string S3Gateway::tempNameFor(const std::string& path) {
  size_t slash = path.rfind('/');
  return path.substr(0, slash + 1) + std::string(kHiddenPrefix) + "put-" + hex(randomBytes(8));
}

std::variant<S3Gateway::Stored, S3Error> S3Gateway::publish(
    const std::string& temp, const std::string& path, const proto::FileInfo& info, const std::string& etag,
    const std::string& md5_hex, const std::vector<std::pair<std::string, std::string>>& xattrs) {
  auto abandon = [&](const Status& st) -> std::variant<Stored, S3Error> {
    (void)vfs_.unlink(temp);
    return fromStatus(st);
  };
  std::vector<std::pair<std::string, std::string>> attrs = xattrs;
  attrs.emplace_back(kEtagAttr, versionOf(info) + ":" + etag);
  for (const auto& [k, v] : attrs) {
    if (Status st = vfs_.setXattr(temp, k, v, 0); !st) return abandon(st);
  }
  if (Status st = vfs_.rename(temp, path, false); !st) return abandon(st);
  // A store whose rename is a copy (s3://) gives the object a new mtime, possibly in the next
  // second: the ETag then names the version the rename made. Until this xattr lands, a reader
  // sees the fallback ETag (one with a '-'), never a wrong MD5.
  proto::FileInfo stored = info;
  if (auto after = vfs_.attributes(path); after && versionOf(*after) != versionOf(stored)) {
    stored = *after;
    (void)vfs_.setXattr(path, kEtagAttr, versionOf(stored) + ":" + etag, 0);
  }
  return Stored{stored, md5_hex};
}

// A conditional write (If-Match / If-None-Match on PutObject): checked against the object the
// key names now; "If-None-Match: *" refuses to replace any object. 412 PreconditionFailed, or
// 404 NoSuchKey for If-Match on a key with no object. Checked before the body is read, so two
// writers racing past the check both write and the last rename wins, as S3 itself does not
// promise more than one winner for non-"*" conditions either.
std::optional<S3Error> S3Gateway::writeConditions(const S3Request& req, const std::string& path) {
  auto if_match = req.header("if-match"), if_none = req.header("if-none-match");
  if (!if_match && !if_none) return std::nullopt;
  auto info = vfs_.attributes(path);
  const bool exists = info && !info->is_dir();
  const std::string etag = exists ? etagOf(path, *info) : "";
  if (if_match && (!exists || !matchesAny(*if_match, etag))) {
    if (!exists) return S3Error{404, "NoSuchKey", "The specified key does not exist."};
    return S3Error{412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"};
  }
  if (if_none && exists && matchesAny(*if_none, etag)) {
    return S3Error{412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"};
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> S3Gateway::objectAttrs(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  if (auto all = vfs_.xattrs(path)) {
    for (auto& [n, v] : *all) {
      if (n == kTypeAttr || n.starts_with(kMetaAttr) || n.starts_with(kHeaderAttr)) out.emplace_back(n, std::move(v));
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> S3Gateway::requestAttrs(const S3Request& req) {
  std::vector<std::pair<std::string, std::string>> attrs;
  if (auto t = req.header("content-type")) attrs.emplace_back(kTypeAttr, *t);
  for (const char* h : kStoredHeaders) {
    if (auto v = req.header(h)) attrs.emplace_back(std::string(kHeaderAttr) + h, *v);
  }
  for (const auto& [name, value] : req.meta) attrs.emplace_back(kMetaAttr + name, value);
  return attrs;
}

// x-amz-copy-source-if-* on CopyObject, against the source.
std::optional<S3Error> S3Gateway::copySourceConditions(const S3Request& req, const proto::FileInfo& source) {
  auto if_match = req.header("x-amz-copy-source-if-match");
  auto if_none = req.header("x-amz-copy-source-if-none-match");
  if (!if_match && !if_none) return std::nullopt;
  const std::string etag = etagOf(source.path(), source);
  if ((if_match && !matchesAny(*if_match, etag)) || (if_none && matchesAny(*if_none, etag))) {
    return S3Error{412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"};
  }
  return std::nullopt;
}

S3Response S3Gateway::putObject(const S3Request& req, const Identity& who) {
  if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  auto path = objectPath(req.root, req.key);
  if (!path) return errorResponse(fromStatus(path.error()), req.path);
  if (!req.content_length) {
    return errorResponse({411, "MissingContentLength", "You must provide the Content-Length HTTP header."}, req.path);
  }
  if (*req.content_length > options_.max_put_bytes) {
    return errorResponse({400, "EntityTooLarge", fmt::format("Your proposed upload exceeds the maximum allowed object "
                                                             "size ({} bytes)", options_.max_put_bytes)}, req.path);
  }
  if (auto e = writeConditions(req, *path)) return errorResponse(*e, req.path);
  if (req.key.ends_with('/')) {  // a directory marker: "dir/" as a key of its own
    if (*req.content_length != 0) {
      return errorResponse({400, "InvalidArgument", "a key ending in '/' names a directory and holds no bytes"},
                           req.path);
    }
    auto made = client_.master().createDirectory(*path, /*recursive=*/true, 0755);
    if (!made && made.error().code() != StatusCode::kAlreadyExists) return errorResponse(fromStatus(made.error()), req.path);
    if (Status st = vfs_.setXattr(*path, kDirAttr, "1", 0); !st) return errorResponse(fromStatus(st), req.path);
    S3Response r;
    r.headers.emplace_back("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");  // the MD5 of nothing
    return r;
  }
  auto stored = store(*path, req.read_body, checksOf(req, who), req.content_length, requestAttrs(req));
  if (auto* e = std::get_if<S3Error>(&stored)) return errorResponse(*e, req.path);
  S3Response r;
  r.headers.emplace_back("ETag", "\"" + std::get<Stored>(stored).md5_hex + "\"");
  return r;
}

S3Response S3Gateway::copyObject(const S3Request& req) {
  if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  auto path = objectPath(req.root, req.key);
  if (!path) return errorResponse(fromStatus(path.error()), req.path);
  auto copy = copySource(*req.header("x-amz-copy-source"), std::nullopt);
  if (auto* e = std::get_if<S3Error>(&copy)) return errorResponse(*e, req.path);
  const proto::FileInfo version = std::get<CopyRange>(copy).version;
  if (auto e = copySourceConditions(req, version)) return errorResponse(*e, req.path);
  const bool replace = req.header("x-amz-metadata-directive").value_or("COPY") == "REPLACE";
  if (!replace && version.path() == *path) {
    return errorResponse({400, "InvalidRequest", "copying an object onto itself needs x-amz-metadata-directive: "
                                                 "REPLACE"}, req.path);
  }
  std::vector<std::pair<std::string, std::string>> attrs;
  if (replace) {
    attrs = requestAttrs(req);
  } else if (version.has_xattrs()) {
    attrs = objectAttrs(version.path());
  }
  auto body = [&](const Sink& sink) { return streamFile(version, 0, version.size(), sink); };
  auto stored = store(*path, body, {}, version.size(), attrs);
  if (auto* e = std::get_if<S3Error>(&stored)) return errorResponse(*e, req.path);
  const Stored& s = std::get<Stored>(stored);
  S3Response r;
  r.body = fmt::format("{}<CopyObjectResult xmlns=\"{}\"><LastModified>{}</LastModified><ETag>\"{}\"</ETag>"
                       "</CopyObjectResult>", kXmlHead, kNs, iso8601(s.info.mtime_ms()), s.md5_hex);
  return r;
}

std::optional<S3Error> S3Gateway::removeKey(const std::string& root, const std::string& key) {
  auto path = objectPath(root, key);
  if (!path) return fromStatus(path.error());
  Status st;
  auto info = vfs_.attributes(*path);
  if (info && info->is_dir()) {
    // Only the marker "dir/" names a directory; it goes if nothing is left under it.
    if (key.ends_with('/')) st = vfs_.rmdir(*path);
  } else if (info && !key.ends_with('/')) {
    st = vfs_.unlink(*path);
  }
  // Deleting a key that does not exist succeeds, as in S3.
  if (!st && st.code() != StatusCode::kNotFound) return fromStatus(st);
  if (info) pruneEmptyParents(root, *path);
  return std::nullopt;
}

// In S3 a prefix exists only while a key has it: the directories that only held the removed key
// go with it, up to the bucket, except those a client made as "dir/" markers. rmdir refuses a
// directory that is not empty, so a concurrent PUT under one keeps it.
void S3Gateway::pruneEmptyParents(const std::string& root, std::string path) {
  for (size_t slash = path.rfind('/'); slash != std::string::npos && slash > root.size(); slash = path.rfind('/')) {
    path.resize(slash);
    auto dir = vfs_.attributes(path);
    if (!dir || !dir->is_dir() || (dir->has_xattrs() && vfs_.getXattr(path, kDirAttr).has_value())) return;
    if (!vfs_.rmdir(path)) return;
  }
}

S3Response S3Gateway::deleteObject(const S3Request& req) {
  if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  if (auto e = removeKey(req.root, req.key)) return errorResponse(*e, req.path);
  S3Response r;
  r.status = 204;
  return r;
}

S3Response S3Gateway::deleteObjects(const S3Request& req) {
  if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  std::string body;
  constexpr size_t kMaxBody = 2 << 20;
  bool whole = req.read_body([&](std::string_view piece) {
    body.append(piece);
    return body.size() <= kMaxBody;
  });
  if (!whole || body.size() > kMaxBody) {
    return errorResponse({400, "MalformedXML", "the Delete document is too large or incomplete"}, req.path);
  }
  if (auto md5 = req.header("content-md5")) {
    Digest d("md5");
    d.update(body);
    if (!constantTimeEqual(unbase64(*md5), d.finish())) {
      return errorResponse({400, "BadDigest", "The Content-MD5 you specified did not match what we received."}, req.path);
    }
  }
  pugi::xml_document doc;
  // parse_ws_pcdata: a key of spaces is a key, not an empty element.
  if (!doc.load_buffer(body.data(), body.size(), pugi::parse_default | pugi::parse_ws_pcdata) || !doc.child("Delete")) {
    return errorResponse({400, "MalformedXML", "The XML you provided was not well-formed or did not validate"}, req.path);
  }
  pugi::xml_node del = doc.child("Delete");
  bool quiet = std::string(del.child_value("Quiet")) == "true";
  std::vector<std::string> keys;
  for (pugi::xml_node o : del.children("Object")) keys.emplace_back(o.child_value("Key"));
  if (keys.empty() || keys.size() > 1000) {
    return errorResponse({400, "MalformedXML", "a Delete names 1 to 1000 objects"}, req.path);
  }
  std::string out = fmt::format("{}<DeleteResult xmlns=\"{}\">", kXmlHead, kNs);
  for (const std::string& key : keys) {
    auto e = key.empty() ? std::optional<S3Error>(S3Error{400, "InvalidArgument", "empty key"})
                         : removeKey(req.root, key);
    if (!e) {
      if (!quiet) out += "<Deleted><Key>" + xmlEscape(key) + "</Key></Deleted>";
      continue;
    }
    out += fmt::format("<Error><Key>{}</Key><Code>{}</Code><Message>{}</Message></Error>", xmlEscape(key),
                       xmlEscape(e->code), xmlEscape(e->message));
  }
  S3Response r;
  r.body = out + "</DeleteResult>";
  return r;
}

}  // namespace shoal::s3
