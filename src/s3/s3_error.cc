#include "s3/s3_error.h"

#include <fmt/format.h>

#include "web/html.h"

namespace shoal::s3 {

// XML's five escapes are HTML's (&#39; for ' is valid XML too).
std::string xmlEscape(std::string_view text) { return web::htmlEscape(text); }

std::string errorXml(const S3Error& e, const std::string& resource, const std::string& request_id) {
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>"
                     "<Resource>{}</Resource><RequestId>{}</RequestId></Error>",
                     xmlEscape(e.code), xmlEscape(e.message), xmlEscape(resource), xmlEscape(request_id));
}

S3Error fromStatus(const Status& st, const std::string& not_found_code) {
  switch (st.code()) {
    case StatusCode::kNotFound: return {404, not_found_code, st.message()};
    case StatusCode::kPermissionDenied: return {403, "AccessDenied", st.message()};
    case StatusCode::kUnavailable: return {503, "ServiceUnavailable", st.message()};
    case StatusCode::kInvalidArgument: return {400, "InvalidArgument", st.message()};
    case StatusCode::kAlreadyExists: return {409, "OperationAborted", st.message()};
    case StatusCode::kIsADirectory:
    case StatusCode::kNotADirectory: return {409, "InvalidObjectState", st.message()};
    case StatusCode::kDirectoryNotEmpty: return {409, "BucketNotEmpty", st.message()};
    case StatusCode::kFailedPrecondition: return {400, "InvalidRequest", st.message()};
    default: return {500, "InternalError", st.message()};
  }
}

}  // namespace shoal::s3
