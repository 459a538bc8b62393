#pragma once
// What the Sweep view's scatter shows of a sweep: the rows the table's filter keeps,
// binned on a log grid to one point per occupied cell and colour (its outline and gaps
// survive while the chart draws a few thousand markers whatever the sweep's size; Qt
// Charts draws each marker as an item, and 20,000 take ~200 ms to paint), grouped by the
// colouring field; designs that do not fit apart; the Pareto front whole. Pure data:
// computed off the UI thread.
#include "estimators/sweep/Study.h"
#include "ui/SweepResults.h"

#include <QList>
#include <QPointF>
#include <QString>
#include <optional>
#include <utility>
#include <vector>

namespace llmdse {

struct ScatterGroup {
    QString name;
    QList<QPointF> points;
    std::vector<size_t> rows; // result rows, in point order
};

// A point's intervals along the chart's axes (SI units, as the points); nullopt where its metric has none.
struct ScatterErrorBar {
    QPointF at;
    std::optional<std::pair<double, double>> x, y;
};

struct ScatterData {
    std::vector<ScatterGroup> groups; // designs that fit, one group per colour
    ScatterGroup infeasible;          // designs that do not fit (memory or an FPGA part)
    ScatterGroup front;               // the Pareto front (within the filter)
    double x0 = 1e300, x1 = 0, y0 = 1e300, y1 = 0;
    size_t kept = 0;                  // rows the filter keeps
    std::vector<ScatterErrorBar> bars; // the front's error bars, when asked for (frontErrorBars)
};

constexpr int kColourNone = -1;    // one colour
constexpr int kMaxColours = 8;     // a numeric field with more values is cut into ranges

// `colourAxis`: an axis of the results, or kColourNone.
ScatterData scatterData(const SweepResults& r, const std::vector<std::int64_t>& front, MetricId mx, MetricId my,
                        const SweepFilter& filter, int colourAxis);

// The intervals of the front's first `limit` points: each design re-estimated from the study (a sweep keeps no
// intervals in memory), its interval taken relative to its estimate and placed at its plotted point.
std::vector<ScatterErrorBar> frontErrorBars(const Study& study, const SweepResults& r, const ScatterGroup& front,
                                            MetricId mx, MetricId my, size_t limit = 200);

} // namespace llmdse
