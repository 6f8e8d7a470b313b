// A time-series line chart as inline SVG, rendered on the server: the web UI's charts need no
// script and nothing fetched from elsewhere. Pure function.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace shoal::web {

struct ChartPoint {
  double x;  // seconds (the x axis is labelled with the span it covers)
  double y;
};

// An SVG of `points` (drawn in x order) titled `title`, its y axis labelled by `format_y`; a note
// instead of a line when there are fewer than two points.
std::string svgLineChart(const std::string& title, const std::vector<ChartPoint>& points,
                         const std::function<std::string(double)>& format_y);

}  // namespace shoal::web
