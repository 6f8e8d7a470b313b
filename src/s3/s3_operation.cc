#include "s3/s3_operation.h"

namespace shoal::s3 {

Operation operationOf(const S3Request& req) {
  const std::string& m = req.method;
  if (req.bucket.empty()) return m == "GET" ? Operation::kListBuckets : Operation::kServiceMethodNotAllowed;
  if (req.key.empty()) {
    if (m == "GET" && req.has("uploads")) return Operation::kListMultipartUploads;
    if (m == "GET" && req.has("versions")) return Operation::kListObjectVersions;
    if (m == "GET" && req.has("versioning")) return Operation::kGetBucketVersioning;
    if (req.has("versioning") || req.has("policy") || req.has("acl") || req.has("tagging") || req.has("lifecycle") ||
        req.has("cors")) {
      return Operation::kBucketSubresource;
    }
    if (m == "GET" && req.has("location")) return Operation::kGetBucketLocation;
    if (m == "GET") return Operation::kListObjects;
    if (m == "HEAD") return Operation::kHeadBucket;
    if (m == "PUT") return Operation::kCreateBucket;
    if (m == "DELETE") return Operation::kDeleteBucket;
    if (m == "POST" && req.has("delete")) return Operation::kDeleteObjects;
    return Operation::kBucketMethodNotAllowed;
  }
  if (m == "POST" && req.has("uploads")) return Operation::kCreateMultipartUpload;
  if (req.has("uploadId")) {
    if (m == "PUT" && req.has("partNumber")) return Operation::kUploadPart;
    if (m == "POST") return Operation::kCompleteMultipartUpload;
    if (m == "DELETE") return Operation::kAbortMultipartUpload;
    if (m == "GET") return Operation::kListParts;
    return Operation::kUploadMethodNotAllowed;
  }
  if (req.has("acl") || req.has("tagging")) return Operation::kObjectSubresource;
  if (m == "GET") return Operation::kGetObject;
  if (m == "HEAD") return Operation::kHeadObject;
  if (m == "PUT") return req.header && req.header("x-amz-copy-source") ? Operation::kCopyObject : Operation::kPutObject;
  if (m == "DELETE") return Operation::kDeleteObject;
  return Operation::kObjectMethodNotAllowed;
}

std::string_view operationName(Operation op) {
  switch (op) {
    case Operation::kListBuckets: return "ListBuckets";
    case Operation::kListMultipartUploads: return "ListMultipartUploads";
    case Operation::kListObjectVersions: return "ListObjectVersions";
    case Operation::kGetBucketVersioning: return "GetBucketVersioning";
    case Operation::kGetBucketLocation: return "GetBucketLocation";
    case Operation::kListObjects: return "ListObjects";
    case Operation::kHeadBucket: return "HeadBucket";
    case Operation::kCreateBucket: return "CreateBucket";
    case Operation::kDeleteBucket: return "DeleteBucket";
    case Operation::kDeleteObjects: return "DeleteObjects";
    case Operation::kCreateMultipartUpload: return "CreateMultipartUpload";
    case Operation::kUploadPart: return "UploadPart";
    case Operation::kCompleteMultipartUpload: return "CompleteMultipartUpload";
    case Operation::kAbortMultipartUpload: return "AbortMultipartUpload";
    case Operation::kListParts: return "ListParts";
    case Operation::kGetObject: return "GetObject";
    case Operation::kHeadObject: return "HeadObject";
    case Operation::kPutObject: return "PutObject";
    case Operation::kCopyObject: return "CopyObject";
    case Operation::kDeleteObject: return "DeleteObject";
    case Operation::kBucketSubresource:
    case Operation::kObjectSubresource: return "NotImplemented";
    case Operation::kServiceMethodNotAllowed:
    case Operation::kBucketMethodNotAllowed:
    case Operation::kUploadMethodNotAllowed:
    case Operation::kObjectMethodNotAllowed: return "MethodNotAllowed";
  }
  return "Unknown";
}

}  // namespace shoal::s3
