#pragma once
// Shows a new chart in a view. QChartView::setChart releases the old chart
// without deleting it, so every redraw would leak one: this deletes it.
#include <QChart>
#include <QChartView>

namespace llmdse {

inline void replaceChart(QChartView* view, QChart* chart)
{
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

} // namespace llmdse
