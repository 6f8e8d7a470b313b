// Multipart uploads of S3Gateway. An upload is a hidden directory of the bucket,
// .shoal-s3-uploads/<id>, whose xattrs name the key and keep the object's Content-Type and
// x-amz-meta-*; each part is a file in it (stored as a PUT is: whole and digest-checked, or not
// at all). Complete checks the list against the parts, streams them in order into the object
// (which appears whole, as a PUT's does) and removes the upload; its ETag is the MD5 of the
// parts' MD5s with the part count, as S3's.
#include <fmt/format.h>
#include <pugixml.hpp>

#include "common/logging.h"
#include "common/crypto.h"
#include "s3/s3_attrs.h"
#include "s3/s3_format.h"
#include "s3/s3_gateway.h"
#include "s3/s3_listing.h"

namespace shoal::s3 {
namespace {

constexpr std::string_view kXmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr std::string_view kNs = "http://s3.amazonaws.com/doc/2006-03-01/";
constexpr const char* kUploadKeyAttr = "user.s3.upload.key";
constexpr const char* kUploadTimeAttr = "user.s3.upload.initiated";
constexpr uint64_t kMinPartBytes = 5ull << 20;
constexpr int kMaxParts = 10000;
constexpr size_t kPiece = 1 << 20;

std::string partName(int n) { return fmt::format("{:05d}", n); }

S3Error noSuchUpload() {
  return {404, "NoSuchUpload",
          "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or "
          "completed."};
}

bool validUploadId(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string S3Gateway::uploadsDir(const std::string& root) { return root + "/" + std::string(kUploadsDir); }

Result<std::string> S3Gateway::uploadDir(const S3Request& req) {
  std::string id = req.param("uploadId");
  if (req.root.empty() || !validUploadId(id)) return makeError(Status(StatusCode::kNotFound, "no upload " + id));
  std::string dir = uploadsDir(req.root) + "/" + id;
  auto key = vfs_.getXattr(dir, kUploadKeyAttr);
  if (!key || *key != req.key) return makeError(Status(StatusCode::kNotFound, "no upload " + id + " of " + req.key));
  return dir;
}

S3Response S3Gateway::createUpload(const S3Request& req) {
  if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  auto path = objectPath(req.root, req.key);
  if (!path) return errorResponse(fromStatus(path.error()), req.path);
  if (req.key.ends_with('/')) {
    return errorResponse({400, "InvalidArgument", "a key ending in '/' names a directory and holds no bytes"}, req.path);
  }
  std::string id = hex(randomBytes(16));
  std::string dir = uploadsDir(req.root) + "/" + id;
  auto made = client_.master().createDirectory(dir, /*recursive=*/true, 0700);
  if (!made) return errorResponse(fromStatus(made.error()), req.path);
  std::vector<std::pair<std::string, std::string>> attrs{{kUploadKeyAttr, req.key},
                                                         {kUploadTimeAttr, std::to_string(nowMs())}};
  for (auto& a : requestAttrs(req)) attrs.push_back(std::move(a));
  for (const auto& [k, v] : attrs) {
    if (Status st = vfs_.setXattr(dir, k, v, 0); !st) {
      (void)client_.master().remove(dir, true);
      return errorResponse(fromStatus(st), req.path);
    }
  }
  S3Response r;
  r.body = fmt::format("{}<InitiateMultipartUploadResult xmlns=\"{}\"><Bucket>{}</Bucket><Key>{}</Key>"
                       "<UploadId>{}</UploadId></InitiateMultipartUploadResult>",
                       kXmlHead, kNs, xmlEscape(req.bucket), xmlEscape(req.key), id);
  return r;
}

S3Response S3Gateway::uploadPart(const S3Request& req, const Identity& who) {
  std::string n = req.param("partNumber");
  int part = 0;
  if (n.empty() || n.size() > 5 || !std::all_of(n.begin(), n.end(), ::isdigit) || (part = std::stoi(n)) < 1 ||
      part > kMaxParts) {
    return errorResponse({400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive"},
                         req.path);
  }
  auto dir = uploadDir(req);
  if (!dir) return errorResponse(noSuchUpload(), req.path);
  if (!req.content_length) {
    return errorResponse({411, "MissingContentLength", "You must provide the Content-Length HTTP header."}, req.path);
  }
  if (*req.content_length > options_.max_put_bytes) {
    return errorResponse({400, "EntityTooLarge", "a part is at most 5 GiB"}, req.path);
  }
  std::function<bool(const Sink&)> body = req.read_body;
  if (auto src = req.header("x-amz-copy-source")) {  // UploadPartCopy
    auto copy = copySource(*src, req.header("x-amz-copy-source-range"));
    if (auto* e = std::get_if<S3Error>(&copy)) return errorResponse(*e, req.path);
    auto [version, start, end] = std::get<CopyRange>(copy);
    body = [this, version, start, end](const Sink& sink) { return streamFile(version, start, end, sink); };
    auto stored = store(*dir + "/" + partName(part), body, {}, end - start, {}, std::nullopt);
    if (auto* e = std::get_if<S3Error>(&stored)) return errorResponse(*e, req.path);
    const Stored& s = std::get<Stored>(stored);
    S3Response r;
    r.body = fmt::format("{}<CopyPartResult xmlns=\"{}\"><LastModified>{}</LastModified><ETag>\"{}\"</ETag>"
                         "</CopyPartResult>", kXmlHead, kNs, iso8601(s.info.mtime_ms()), s.md5_hex);
    return r;
  }
  auto stored = store(*dir + "/" + partName(part), body, checksOf(req, who),
                      req.content_length, {}, std::nullopt);
  if (auto* e = std::get_if<S3Error>(&stored)) return errorResponse(*e, req.path);
  S3Response r;
  r.headers.emplace_back("ETag", "\"" + std::get<Stored>(stored).md5_hex + "\"");
  return r;
}

S3Response S3Gateway::completeUpload(const S3Request& req) {
  auto dir = uploadDir(req);
  if (!dir) {
    // A Complete repeated after it succeeded answers as the first did, as S3 does, while the
    // object it made is still the key's.
    if (auto path = objectPath(req.root, req.key); path && validUploadId(req.param("uploadId"))) {
      auto info = vfs_.attributes(*path);
      auto xattrs = info && info->has_xattrs() ? vfs_.xattrs(*path) : makeError(notFound(*path));
      if (xattrs) {
        auto it = xattrs->find(kCompletedUploadAttr);
        if (it != xattrs->end() && it->second == req.param("uploadId")) return completed(req, etagFrom(*info, *xattrs));
      }
    }
    return errorResponse(noSuchUpload(), req.path);
  }
  auto path = objectPath(req.root, req.key);
  if (!path) return errorResponse(fromStatus(path.error()), req.path);
  std::string doc_text;
  constexpr size_t kMaxBody = 2 << 20;
  bool whole = req.read_body([&](std::string_view piece) {
    doc_text.append(piece);
    return doc_text.size() <= kMaxBody;
  });
  pugi::xml_document doc;
  if (!whole || doc_text.size() > kMaxBody || !doc.load_buffer(doc_text.data(), doc_text.size()) ||
      !doc.child("CompleteMultipartUpload")) {
    return errorResponse({400, "MalformedXML", "The XML you provided was not well-formed or did not validate"}, req.path);
  }
  struct Part {
    int number;
    std::string etag;
    proto::FileInfo info;
  };
  std::vector<Part> parts;
  for (pugi::xml_node p : doc.child("CompleteMultipartUpload").children("Part")) {
    std::string n = p.child_value("PartNumber");
    if (n.empty() || n.size() > 5 || !std::all_of(n.begin(), n.end(), ::isdigit)) {
      return errorResponse({400, "MalformedXML", "PartNumber must be a number"}, req.path);
    }
    std::string etag = p.child_value("ETag");
    if (etag.size() >= 2 && etag.front() == '"') etag = etag.substr(1, etag.size() - 2);
    parts.push_back({std::stoi(n), etag, {}});
  }
  if (parts.empty()) {
    return errorResponse({400, "MalformedXML", "You must specify at least one part"}, req.path);
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].number <= parts[i - 1].number) {
      return errorResponse({400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list "
                                                     "must be specified in order by part number."}, req.path);
    }
  }
  Digest etags("md5");
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string part_path = *dir + "/" + partName(parts[i].number);
    auto info = vfs_.attributes(part_path);
    if (!info || etagOf(part_path, *info) != "\"" + parts[i].etag + "\"") {
      return errorResponse({400, "InvalidPart", fmt::format("part {} was not uploaded or its ETag is not {}",
                                                            parts[i].number, parts[i].etag)}, req.path);
    }
    if (i + 1 < parts.size() && info->size() < kMinPartBytes) {
      return errorResponse({400, "EntityTooSmall", fmt::format("part {} is {} bytes; every part but the last must be "
                                                               "at least 5 MiB", parts[i].number, info->size())},
                           req.path);
    }
    parts[i].info = *info;
    std::string raw;
    for (size_t c = 0; c + 1 < parts[i].etag.size(); c += 2) {
      raw += static_cast<char>(std::stoi(parts[i].etag.substr(c, 2), nullptr, 16));
    }
    etags.update(raw);
  }
  uint64_t total = 0;
  for (const Part& p : parts) total += p.info.size();
  // The object's attributes are the upload's.
  std::vector<std::pair<std::string, std::string>> attrs = objectAttrs(*dir);
  attrs.emplace_back(kCompletedUploadAttr, req.param("uploadId"));
  auto body = [&](const Sink& sink) {
    for (const Part& p : parts) {
      if (!streamFile(p.info, 0, p.info.size(), sink)) return false;
    }
    return true;
  };
  std::string etag = fmt::format("{}-{}", hex(etags.finish()), parts.size());
  std::vector<proto::FileInfo> infos;
  for (const Part& p : parts) infos.push_back(p.info);
  auto joined = joinInStore(*path, infos, total, attrs, etag);
  auto stored = joined ? std::move(*joined) : store(*path, body, {}, total, attrs, etag);
  if (auto* e = std::get_if<S3Error>(&stored)) return errorResponse(*e, req.path);
  (void)client_.master().remove(*dir, /*recursive=*/true);
  (void)vfs_.rmdir(uploadsDir(req.root));  // the last upload leaves no directory behind (kept if others remain)
  return completed(req, "\"" + etag + "\"");
}

S3Response S3Gateway::completed(const S3Request& req, const std::string& quoted_etag) {
  S3Response r;
  r.body = fmt::format("{}<CompleteMultipartUploadResult xmlns=\"{}\"><Location>/{}/{}</Location><Bucket>{}</Bucket>"
                       "<Key>{}</Key><ETag>{}</ETag></CompleteMultipartUploadResult>",
                       kXmlHead, kNs, xmlEscape(req.bucket), xmlEscape(req.key), xmlEscape(req.bucket),
                       xmlEscape(req.key), xmlEscape(quoted_etag));
  return r;
}

std::optional<std::variant<S3Gateway::Stored, S3Error>> S3Gateway::joinInStore(
    const std::string& path, const std::vector<proto::FileInfo>& parts, uint64_t total,
    const std::vector<std::pair<std::string, std::string>>& xattrs, const std::string& etag) {
  for (const auto& p : parts) {
    if (!p.persisted()) return std::nullopt;  // MUST_CACHE, or ASYNC_THROUGH not persisted yet
  }
  const std::string temp = tempNameFor(path);
  if (Status st = client_.direct().concat(parts, temp, parts.front().mount_table_version()); !st) {
    if (st.code() != StatusCode::kNotSupported) logger("s3")->info("joining the parts of {} in the store: {}", path, st.message());
    return std::nullopt;
  }
  // The master learns of the joined file from the store (a sync of that one name).
  auto info = client_.master().getStatus(temp, /*sync_interval_ms=*/0);
  if (!info || info->is_dir() || info->size() != total) {
    logger("s3")->warn("the store joined the parts of {}, but the master {}; copying them instead", path,
                       info ? "sees another size" : "did not load it: " + info.error().message());
    (void)vfs_.unlink(temp);
    return std::nullopt;
  }
  if (auto e = directoryAt(path)) {
    (void)vfs_.unlink(temp);
    return *e;
  }
  return publish(temp, path, *info, etag, "", xattrs);
}

S3Response S3Gateway::abortUpload(const S3Request& req) {
  auto dir = uploadDir(req);
  if (!dir) return errorResponse(noSuchUpload(), req.path);
  if (auto st = client_.master().remove(*dir, /*recursive=*/true); !st) return errorResponse(fromStatus(st), req.path);
  (void)vfs_.rmdir(uploadsDir(req.root));
  S3Response r;
  r.status = 204;
  return r;
}

S3Response S3Gateway::listParts(const S3Request& req) {
  auto dir = uploadDir(req);
  if (!dir) return errorResponse(noSuchUpload(), req.path);
  auto entries = vfs_.list(*dir);
  if (!entries) return errorResponse(fromStatus(entries.error()), req.path);
  std::sort(entries->begin(), entries->end(), [](const auto& a, const auto& b) { return a.name() < b.name(); });
  int marker = 0;
  std::string m = req.param("part-number-marker");
  if (!m.empty() && m.size() <= 5 && std::all_of(m.begin(), m.end(), ::isdigit)) marker = std::stoi(m);
  size_t max = 1000;
  std::string mp = req.param("max-parts");
  if (!mp.empty() && mp.size() <= 5 && std::all_of(mp.begin(), mp.end(), ::isdigit)) max = std::min<size_t>(std::stoul(mp), 1000);
  std::string body = fmt::format("{}<ListPartsResult xmlns=\"{}\"><Bucket>{}</Bucket><Key>{}</Key><UploadId>{}</UploadId>"
                                 "<PartNumberMarker>{}</PartNumberMarker><MaxParts>{}</MaxParts>",
                                 kXmlHead, kNs, xmlEscape(req.bucket), xmlEscape(req.key), req.param("uploadId"),
                                 marker, max);
  std::string parts;
  size_t count = 0;
  bool truncated = false;
  int last = marker;
  for (const auto& e : *entries) {
    if (e.is_dir() || e.name().size() != 5 || !std::all_of(e.name().begin(), e.name().end(), ::isdigit)) continue;
    int n = std::stoi(e.name());
    if (n <= marker) continue;
    if (count == max) {
      truncated = true;
      break;
    }
    parts += fmt::format("<Part><PartNumber>{}</PartNumber><LastModified>{}</LastModified><ETag>{}</ETag>"
                         "<Size>{}</Size></Part>", n, iso8601(e.mtime_ms()), xmlEscape(etagOf(e.path(), e)), e.size());
    last = n;
    ++count;
  }
  body += fmt::format("<NextPartNumberMarker>{}</NextPartNumberMarker><IsTruncated>{}</IsTruncated>", last,
                      truncated ? "true" : "false");
  S3Response r;
  r.body = body + parts + "</ListPartsResult>";
  return r;
}

S3Response S3Gateway::listUploads(const S3Request& req) {
  if (Status st = requireBucket(req.bucket, req.root); !st) return errorResponse(fromStatus(st, "NoSuchBucket"), req.path);
  std::string prefix = req.param("prefix");
  std::vector<std::tuple<std::string, std::string, int64_t>> uploads;  // key, id, initiated
  if (auto entries = vfs_.list(uploadsDir(req.root))) {
    for (const auto& e : *entries) {
      if (!e.is_dir() || !validUploadId(e.name())) continue;
      auto key = vfs_.getXattr(e.path(), kUploadKeyAttr);
      if (!key || !key->starts_with(prefix)) continue;
      int64_t at = e.mtime_ms();
      if (auto t = vfs_.getXattr(e.path(), kUploadTimeAttr)) at = std::atoll(t->c_str());
      uploads.emplace_back(*key, e.name(), at);
    }
  }
  std::sort(uploads.begin(), uploads.end());
  std::string body = fmt::format("{}<ListMultipartUploadsResult xmlns=\"{}\"><Bucket>{}</Bucket><Prefix>{}</Prefix>"
                                 "<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>",
                                 kXmlHead, kNs, xmlEscape(req.bucket), xmlEscape(prefix));
  for (const auto& [key, id, at] : uploads) {
    body += fmt::format("<Upload><Key>{}</Key><UploadId>{}</UploadId><Initiated>{}</Initiated>"
                        "<StorageClass>STANDARD</StorageClass></Upload>", xmlEscape(key), id, iso8601(at));
  }
  S3Response r;
  r.body = body + "</ListMultipartUploadsResult>";
  return r;
}

size_t S3Gateway::reapUploads(int64_t older_than_ms) {
  size_t reaped = 0;
  std::set<std::string> roots;  // every bucket's directory: the top-level ones and the bound ones
  if (auto top = vfs_.list("/")) {
    for (const auto& b : *top) {
      if (b.is_dir()) roots.insert(b.path());
    }
  }
  if (options_.buckets) {
    if (auto bound = options_.buckets->all()) {
      for (const auto& [name, b] : *bound) roots.insert(b.path);
    }
  }
  for (const std::string& root : roots) {
    auto entries = vfs_.list(uploadsDir(root));
    if (!entries) continue;
    for (const auto& e : *entries) {
      int64_t at = e.mtime_ms();
      if (auto t = vfs_.getXattr(e.path(), kUploadTimeAttr)) at = std::atoll(t->c_str());
      if (at < older_than_ms && client_.master().remove(e.path(), /*recursive=*/true).isOk()) ++reaped;
    }
    (void)vfs_.rmdir(uploadsDir(root));  // only if no upload is left in it
  }
  return reaped;
}

}  // namespace shoal::s3
