#include "web/chart.h"

#include <algorithm>
#include <fmt/format.h>

#include "web/html.h"

namespace shoal::web {

std::string svgLineChart(const std::string& title, const std::vector<ChartPoint>& points,
                         const std::function<std::string(double)>& format_y) {
  constexpr double kWidth = 640, kHeight = 180, kLeft = 90, kRight = 10, kTop = 24, kBottom = 24;
  std::string out = fmt::format(
      "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"{}\"><text x=\"{}\" y=\"16\" font-size=\"13\">{}</text>",
      kWidth, kHeight, htmlEscape(title), kLeft, htmlEscape(title));
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#ccc\"/>", kLeft, kTop,
                     kWidth - kLeft - kRight, kHeight - kTop - kBottom);
  if (points.size() < 2) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#888\">not enough samples yet</text>",
                       kLeft + 10, kHeight / 2);
    return out + "</svg></figure>";
  }
  std::vector<ChartPoint> p = points;
  std::sort(p.begin(), p.end(), [](const ChartPoint& a, const ChartPoint& b) { return a.x < b.x; });
  double x0 = p.front().x, x1 = p.back().x;
  double y_max = 0;
  for (const auto& q : p) y_max = std::max(y_max, q.y);
  if (y_max <= 0) y_max = 1;
  double span_x = std::max(x1 - x0, 1e-9);
  std::string line;
  for (const auto& q : p) {
    double sx = kLeft + (q.x - x0) / span_x * (kWidth - kLeft - kRight);
    double sy = kHeight - kBottom - std::max(q.y, 0.0) / y_max * (kHeight - kTop - kBottom);
    line += fmt::format("{:.1f},{:.1f} ", sx, sy);
  }
  out += fmt::format("<polyline fill=\"none\" stroke=\"#2a6fdb\" stroke-width=\"1.5\" points=\"{}\"/>", line);
  out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>", kLeft - 4, kTop + 10,
                     htmlEscape(format_y(y_max)));
  out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>", kLeft - 4,
                     kHeight - kBottom, htmlEscape(format_y(0)));
  out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\">the last {:.0f} s</text>", kLeft, kHeight - 6, span_x);
  return out + "</svg></figure>";
}

}  // namespace shoal::web
