// Building blocks of the server-rendered web pages: escaping and one page layout (navigation,
// a title, inline CSS; no script, nothing fetched from elsewhere). Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal::web {

std::string htmlEscape(std::string_view s);
// Percent-encodes everything but unreserved characters and '/', for a path in a query string.
std::string urlEncode(std::string_view s);
// A whole page: `nav` are (href, label) links, `body` is already-escaped HTML.
std::string htmlPage(const std::string& title, const std::vector<std::pair<std::string, std::string>>& nav,
                     const std::string& body);
// A table of already-escaped cells.
std::string htmlTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

}  // namespace shoal::web
