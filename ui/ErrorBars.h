#pragma once
// Error bars for Qt Charts (which has none): each bar is one line series, named "errorBar"
// and left out of the legend, so charts draw and tests find them like any other series.
#include <QColor>
#include <QPointF>
#include <optional>
#include <utility>

class QChart;
class QLineSeries;

namespace llmdse {

using Range = std::optional<std::pair<double, double>>;

// A vertical bar from lo to hi at x, with caps `cap` wide on either side.
QLineSeries* verticalErrorBar(double x, double lo, double hi, double cap, const QColor& colour);
// Bars through `at` along x (xr) and y (yr), for a scatter point; nullptr when neither range is given.
QLineSeries* crossErrorBar(QPointF at, const Range& xr, const Range& yr, const QColor& colour);
// Adds `bar` to `chart` without a legend entry (call after the chart's legend exists, i.e. any time).
void addErrorBar(QChart* chart, QLineSeries* bar);

} // namespace llmdse
