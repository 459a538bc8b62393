#pragma once
// Shows a new chart in a view, and renders a view's chart at a given size. QChartView::
// setChart releases the old chart without deleting it, so every redraw would leak one:
// replaceChart deletes it.
#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>

namespace llmdse {

inline void replaceChart(QChartView* view, QChart* chart)
{
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

// The chart laid out at `size` (logical pixels) and drawn at twice that resolution, for reports;
// the view keeps its own size. An invalid size grabs the view as it is on screen.
inline QImage renderChart(QChartView* view, QSize size = {})
{
    QChart* chart = view->chart();
    if (!size.isValid() || !chart || !chart->scene()) return view->grab().toImage();
    const QSizeF before = chart->size();
    const QPointF at = chart->pos();
    chart->resize(size);
    if (chart->layout()) chart->layout()->activate(); // lay out axes and legend at this size now, not on the next event
    QImage img(size * 2, QImage::Format_ARGB32);
    img.setDevicePixelRatio(2);
    img.fill(Qt::white);
    {
        QPainter p(&img);
        p.setRenderHint(QPainter::Antialiasing);
        chart->scene()->render(&p, QRectF(QPointF(0, 0), QSizeF(size)), QRectF(at, QSizeF(size)));
    }
    chart->resize(before);
    return img;
}

} // namespace llmdse
