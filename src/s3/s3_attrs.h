// Where the S3 gateway keeps what S3 has and POSIX does not: extended attributes of the files
// (ETag, Content-Type, x-amz-meta-*, directory markers) and the hidden directory of multipart
// uploads in each bucket (its name starts with kHiddenPrefix, so listings never show it).
#pragma once

namespace shoal::s3 {

inline constexpr const char* kEtagAttr = "user.s3.etag";  // "size:mtime:etag" of the version it names
inline constexpr const char* kTypeAttr = "user.s3.content-type";
inline constexpr const char* kMetaAttr = "user.s3.meta.";
// Cache-Control, Content-Disposition, Content-Encoding, Content-Language and Expires, as sent.
inline constexpr const char* kHeaderAttr = "user.s3.header.";
inline constexpr const char* kStoredHeaders[] = {"cache-control", "content-disposition", "content-encoding",
                                                 "content-language", "expires"};
// On an object a multipart Complete made: the upload's id, so a repeated Complete succeeds again.
inline constexpr const char* kCompletedUploadAttr = "user.s3.upload.completed";
inline constexpr const char* kDirAttr = "user.s3.dir";  // a directory that is the key "dir/"
inline constexpr const char* kUploadsDir = ".shoal-s3-uploads";

}  // namespace shoal::s3
