#include "web/html.h"

namespace shoal::web {

std::string htmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string urlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string htmlPage(const std::string& title, const std::vector<std::pair<std::string, std::string>>& nav,
                     const std::string& body) {
  std::string out =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + htmlEscape(title) +
      "</title><style>body{font-family:sans-serif;margin:2em}nav a{margin-right:1em}"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
      "th{background:#eef}pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body><nav>";
  for (const auto& [href, label] : nav) out += "<a href=\"" + htmlEscape(href) + "\">" + htmlEscape(label) + "</a>";
  out += "</nav><h1>" + htmlEscape(title) + "</h1>" + body + "</body></html>\n";
  return out;
}

std::string htmlTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><tr>";
  for (const auto& h : header) out += "<th>" + htmlEscape(h) + "</th>";
  out += "</tr>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& cell : row) out += "<td>" + cell + "</td>";
    out += "</tr>";
  }
  return out + "</table>";
}

}  // namespace shoal::web
