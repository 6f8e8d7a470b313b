// The S3 API over Shoal's namespace: every top-level directory is a bucket, and so is every
// directory bound to a name in the master's bucket table; objects are files, keys with '/' are
// paths. Requests are authenticated (Signature V4 against the gateway's access
// keys), then served through the vfs and the client, so what the gateway writes is what FUSE and
// the CLI see at once, and the other way round. An object appears only whole: a PUT streams into
// a hidden name beside the key and is renamed over it once its bytes and digests are checked.
// Thread-safe; the server calls it from its pool.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <variant>

#include "client/context.h"
#include "s3/bucket_table.h"
#include "s3/s3_error.h"
#include "s3/s3_listing.h"
#include "s3/s3_request.h"
#include "s3/sigv4.h"
#include "vfs/vfs.h"

namespace shoal::s3 {

struct GatewayOptions {
  SigningKeyLookup signing_keys;
  BucketTable* buckets = nullptr;  // bound buckets (`shoal fs bucket bind`); none without it
  uint64_t max_put_bytes = 5ull << 30;  // S3's limit of a single PUT
  bool compute_md5 = false;              // shoal.proxy.etag.md5: MD5 ETags for files written otherwise
};

class S3Gateway {
 public:
  S3Gateway(client::Context& client, vfs::Vfs& vfs, GatewayOptions options);

  S3Response handle(const S3Request& req);
  // Removes multipart uploads begun before `older_than_ms` (abandoned: shoal.proxy.multipart.expiry);
  // how many.
  size_t reapUploads(int64_t older_than_ms);

 private:
  S3Response dispatch(const S3Request& req, const Identity& who);
  S3Response dispatchChunked(const S3Request& req, const Identity& who);
  // Buckets (bucket.cc).
  S3Response listBuckets();
  S3Response createBucket(const S3Request& req);
  S3Response headBucket(const S3Request& req);
  S3Response deleteBucket(const S3Request& req);
  S3Response listObjects(const S3Request& req);
  // Objects (object.cc).
  S3Response getObject(const S3Request& req);
  S3Response putObject(const S3Request& req, const Identity& who);
  S3Response copyObject(const S3Request& req);
  S3Response deleteObject(const S3Request& req);
  S3Response deleteObjects(const S3Request& req);
  // Multipart uploads (s3_multipart.cc).
  S3Response createUpload(const S3Request& req);
  S3Response uploadPart(const S3Request& req, const Identity& who);
  S3Response completeUpload(const S3Request& req);
  S3Response abortUpload(const S3Request& req);
  S3Response listParts(const S3Request& req);
  S3Response listUploads(const S3Request& req);
  // CompleteMultipartUpload's answer.
  static S3Response completed(const S3Request& req, const std::string& quoted_etag);
  static std::string uploadsDir(const std::string& root);
  // The directory of the request's uploadId, if it is an upload of the request's key.
  Result<std::string> uploadDir(const S3Request& req);

  // Streams [start, end) of a published version to `sink`; false if a read failed or the sink stopped.
  bool streamFile(const proto::FileInfo& version, uint64_t start, uint64_t end, const Sink& sink);
  // The object an x-amz-copy-source header names ("bucket/key", URL-encoded) and the range of
  // x-amz-copy-source-range ("bytes=a-b"; the whole object without one).
  struct CopyRange {
    proto::FileInfo version;
    uint64_t start = 0, end = 0;
  };
  std::variant<CopyRange, S3Error> copySource(const std::string& header, const std::optional<std::string>& range);

  // The directory a bucket name serves: its binding, else the top-level directory of that name;
  // "" for a name that can be neither (no such bucket). An error only if the table is unreadable.
  Result<std::string> rootOf(const std::string& bucket);
  // "root/key" for a key S3 may name and POSIX can hold; InvalidArgument (naming why) otherwise.
  Result<std::string> objectPath(const std::string& root, const std::string& key) const;
  // A name the bucket table binds to a directory other than the top-level one of that name.
  static bool bound(const std::string& bucket, const std::string& root) { return root != "/" + bucket; }
  // NoSuchBucket unless the bucket's directory exists.
  Status requireBucket(const std::string& bucket, const std::string& root);
  // The ETag of a file: the MD5 its PUT recorded if the file is still that version, else one
  // made of its id, size and mtime that no SDK takes for an MD5.
  std::string etagOf(const std::string& path, const proto::FileInfo& info);
  // Listings (s3_gateway.cc): the bucket's tree read a page at a time; prefix, delimiter, max-keys.
  ListSource sourceFor(const std::string& root);
  static Result<ListQuery> listQuery(const S3Request& req);
  S3Response listObjectVersions(const S3Request& req);
  // Removes one key (a file, or a "dir/" marker with nothing under it) and the prefixes only it
  // held; a missing key is no error.
  std::optional<S3Error> removeKey(const std::string& root, const std::string& key);
  void pruneEmptyParents(const std::string& root, std::string path);
  // The Content-Type, x-amz-meta-* and stored-header xattrs a PUT, CopyObject (REPLACE) or
  // CreateMultipartUpload request gives its object.
  static std::vector<std::pair<std::string, std::string>> requestAttrs(const S3Request& req);
  // The Content-Type, x-amz-meta-* and stored-header xattrs of an object or upload, in one master call.
  std::vector<std::pair<std::string, std::string>> objectAttrs(const std::string& path);
  // Conditional writes and copies (s3_objects.cc): the S3 error when a condition does not hold.
  std::optional<S3Error> writeConditions(const S3Request& req, const std::string& path);
  std::optional<S3Error> copySourceConditions(const S3Request& req, const proto::FileInfo& source);
  static std::string etagFrom(const proto::FileInfo& info, const std::map<std::string, std::string>& xattrs);
  // The ETag of a version with none recorded: its id, mtime and size, with a '-' in it.
  static std::string fallbackEtag(const proto::FileInfo& info);
  // etagFrom, or with compute_md5 the MD5 of a file that has none recorded (computed, recorded).
  std::string etagOrMd5(const std::string& path, const proto::FileInfo& info,
                        const std::map<std::string, std::string>& xattrs);
  // Streams the body into a new file at `path` (through a hidden name, renamed over it); the
  // file's MD5 (hex), or the S3 error. `etag` replaces the MD5 as the recorded ETag (multipart).
  struct Stored {
    proto::FileInfo info;
    std::string md5_hex;
  };
  // What a client said its body is, checked before the object appears: Content-MD5, the signed
  // SHA-256, an x-amz-checksum-* header (CRC32, CRC32C, SHA1, SHA256; other algorithms pass
  // unchecked).
  struct BodyChecks {
    std::optional<std::string> content_md5;
    std::string payload_sha256;
    std::string checksum_name, checksum_value;
  };
  static BodyChecks checksOf(const S3Request& req, const Identity& who);
  // The object of a multipart Complete joined by the store itself from the parts (Ufs::concat),
  // so the bytes are not carried through the gateway again; nullopt where the store cannot (or a
  // part is not in it), and the caller streams the parts instead.
  std::optional<std::variant<Stored, S3Error>> joinInStore(const std::string& path,
                                                          const std::vector<proto::FileInfo>& parts, uint64_t total,
                                                          const std::vector<std::pair<std::string, std::string>>& xattrs,
                                                          const std::string& etag);
  // Sets the attributes and ETag of the complete file `temp`, then renames it over `path`;
  // removes `temp` on failure.
  std::variant<Stored, S3Error> publish(const std::string& temp, const std::string& path, const proto::FileInfo& info,
                                        const std::string& etag, const std::string& md5_hex,
                                        const std::vector<std::pair<std::string, std::string>>& xattrs);
  // InvalidObjectState when a directory has the key's name.
  std::optional<S3Error> directoryAt(const std::string& path);
  // A hidden name beside `path`, never listed, that an object is written under before it appears.
  static std::string tempNameFor(const std::string& path);
  std::variant<Stored, S3Error> store(const std::string& path, const std::function<bool(const Sink&)>& body,
                                      const BodyChecks& checks, std::optional<uint64_t> expected_length,
                                      const std::vector<std::pair<std::string, std::string>>& xattrs,
                                      const std::optional<std::string>& etag = std::nullopt);

  client::Context& client_;
  vfs::Vfs& vfs_;
  GatewayOptions options_;
  std::string token_key_;  // signs continuation tokens, so a forged one is refused
};

S3Response errorResponse(const S3Error& e, const std::string& resource);

}  // namespace shoal::s3
