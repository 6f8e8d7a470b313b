// Which S3 operation a request is, from its method, bucket, key, query and headers alone: the
// gateway's routing and the name its metrics count requests by.
#pragma once

#include <string_view>

#include "s3/s3_request.h"

namespace shoal::s3 {

enum class Operation {
  kListBuckets,
  kListMultipartUploads,
  kListObjectVersions,
  kGetBucketVersioning,
  kGetBucketLocation,
  kListObjects,
  kHeadBucket,
  kCreateBucket,
  kDeleteBucket,
  kDeleteObjects,
  kCreateMultipartUpload,
  kUploadPart,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kListParts,
  kGetObject,
  kHeadObject,
  kPutObject,
  kCopyObject,
  kDeleteObject,
  // Refused: a subresource not served yet (501), or a method the target does not take (405).
  kBucketSubresource,
  kObjectSubresource,
  kServiceMethodNotAllowed,
  kBucketMethodNotAllowed,
  kUploadMethodNotAllowed,
  kObjectMethodNotAllowed,
};

Operation operationOf(const S3Request& req);
// S3's name of the operation ("GetObject"); the refusals are "NotImplemented" or "MethodNotAllowed".
std::string_view operationName(Operation op);

}  // namespace shoal::s3
