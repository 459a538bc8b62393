#include "ui/ErrorBars.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>

namespace llmdse {

namespace {

QLineSeries* barSeries(const QColor& colour)
{
    auto* s = new QLineSeries;
    s->setObjectName("errorBar");
    QPen pen(colour);
    pen.setWidthF(1.5);
    s->setPen(pen);
    return s;
}

} // namespace

QLineSeries* verticalErrorBar(double x, double lo, double hi, double cap, const QColor& colour)
{
    QLineSeries* s = barSeries(colour);
    // One polyline: the lower cap, back to the middle, up the bar, the upper cap.
    s->append({{x - cap, lo}, {x + cap, lo}, {x, lo}, {x, hi}, {x - cap, hi}, {x + cap, hi}});
    return s;
}

QLineSeries* crossErrorBar(QPointF at, const Range& xr, const Range& yr, const QColor& colour)
{
    if (!xr && !yr) return nullptr;
    QLineSeries* s = barSeries(colour);
    if (xr) s->append({{xr->first, at.y()}, {xr->second, at.y()}, at});
    if (yr) s->append({{at.x(), yr->first}, {at.x(), yr->second}});
    return s;
}

void addErrorBar(QChart* chart, QLineSeries* bar)
{
    chart->addSeries(bar);
    for (QLegendMarker* m : chart->legend()->markers(bar)) m->setVisible(false);
}

} // namespace llmdse
