#include "ufs/s3/s3_xml.h"

#include <ctime>
#include <fmt/format.h>
#include <pugixml.hpp>

namespace shoal::ufs {
namespace {

int64_t tmToMs(struct tm& tm) {
  time_t t = timegm(&tm);
  return t < 0 ? 0 : static_cast<int64_t>(t) * 1000;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

int64_t parseIsoTimeMs(const std::string& text) {
  struct tm tm {};
  if (!strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return tmToMs(tm);
}

int64_t parseHttpTimeMs(const std::string& text) {
  struct tm tm {};
  if (!strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) return 0;
  return tmToMs(tm);
}

Result<S3ListPage> parseListObjectsV2(const std::string& xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return makeError(Status(StatusCode::kCorruption, "the store answered a listing with malformed XML"));
  }
  pugi::xml_node root = doc.child("ListBucketResult");
  if (!root) return makeError(Status(StatusCode::kCorruption, "the store's listing has no ListBucketResult"));
  S3ListPage page;
  for (pugi::xml_node c : root.children("Contents")) {
    S3Object o;
    o.key = c.child_value("Key");
    o.size = std::strtoull(c.child_value("Size"), nullptr, 10);
    o.mtime_ms = parseIsoTimeMs(c.child_value("LastModified"));
    o.etag = unquote(c.child_value("ETag"));
    page.objects.push_back(std::move(o));
  }
  for (pugi::xml_node p : root.children("CommonPrefixes")) page.prefixes.emplace_back(p.child_value("Prefix"));
  page.truncated = std::string(root.child_value("IsTruncated")) == "true";
  page.next_token = root.child_value("NextContinuationToken");
  return page;
}

std::pair<std::string, std::string> parseS3Error(const std::string& xml) {
  pugi::xml_document doc;
  if (xml.empty() || !doc.load_buffer(xml.data(), xml.size())) return {};
  pugi::xml_node e = doc.child("Error");
  return {e.child_value("Code"), e.child_value("Message")};
}

Result<std::string> parseUploadId(const std::string& xml) {
  pugi::xml_document doc;
  std::string id;
  if (doc.load_buffer(xml.data(), xml.size())) id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (id.empty()) return makeError(Status(StatusCode::kCorruption, "the store did not return a multipart upload id"));
  return id;
}

std::string completeMultipartXml(const std::vector<std::string>& part_etags) {
  std::string out = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < part_etags.size(); ++i) {
    out += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, part_etags[i]);
  }
  return out + "</CompleteMultipartUpload>";
}

}  // namespace shoal::ufs
