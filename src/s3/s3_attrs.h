// Where the S3 gateway keeps what S3 has and POSIX does not: extended attributes of the files
// (ETag, Content-Type, x-amz-meta-*, directory markers) and the hidden directory of multipart
// uploads in each bucket (its name starts with kHiddenPrefix, so listings never show it).
#pragma once

namespace shoal::s3 {

inline constexpr const char* kEtagAttr = "user.s3.etag";  // "size:mtime:etag" of the version it names
inline constexpr const char* kTypeAttr = "user.s3.content-type";
inline constexpr const char* kMetaAttr = "user.s3.meta.";
inline constexpr const char* kDirAttr = "user.s3.dir";  // a directory that is the key "dir/"
inline constexpr const char* kUploadsDir = ".shoal-s3-uploads";

}  // namespace shoal::s3
