#include "ui/LiteratureView.h"
#include "ui/ChartAxes.h"
#include "ui/ChartSwap.h"
#include "core/Literature.h"

#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QLabel>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QToolTip>
#include <QVBoxLayout>
#include <map>

namespace llmdse {

LiteratureView::LiteratureView(QWidget* parent) : QWidget(parent), view_(new QChartView), note_(new QLabel)
{
    view_->setRenderHint(QPainter::Antialiasing);
    note_->setWordWrap(true);
    note_->setStyleSheet("color: #555;");
    note_->setText("Published batch-1 decode measurements of ~7B models collected by the survey of Li et al. "
                   "(arXiv 2410.04466; the authors' data release). Power is often the device TDP, not a "
                   "measurement. Hover a point for its work, device, precision and tokens/J.");
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(view_, 1);
    layout->addWidget(note_);
    plot(nullptr, nullptr);
}

void LiteratureView::showDesign(const Design& d, const Metrics& m)
{
    design_ = d;
    metrics_ = m;
    stale_ = !isVisible(); // hidden behind another view: drawn when shown, not on every edit
    if (!stale_) plot(&design_, &metrics_);
}

void LiteratureView::showEvent(QShowEvent* e)
{
    if (stale_) plot(&design_, &metrics_);
    stale_ = false;
    QWidget::showEvent(e);
}

void LiteratureView::plot(const Design* d, const Metrics* m)
{
    auto* chart = new QChart;
    chart->setTitle("Decode tokens/s against power: published systems and this design");
    std::map<std::string, std::pair<QScatterSeries*, QStringList>> byClass;
    published_ = 0;
    double lo = 1e30, hi = 0, plo = 1e30, phi = 0;
    for (const LiteraturePoint& p : literaturePoints()) {
        auto& [series, tips] = byClass[p.platform];
        if (!series) {
            series = new QScatterSeries;
            series->setName(QString::fromStdString(p.platform));
            series->setMarkerSize(9);
        }
        series->append(p.powerW, p.tokensPerS);
        tips << QString("%1 on %2\n%3, %4 W, %5 tokens/s, %6 tokens/J")
                    .arg(QString::fromStdString(p.work), QString::fromStdString(p.device),
                         QString::fromStdString(p.precision))
                    .arg(p.powerW)
                    .arg(p.tokensPerS)
                    .arg(p.tokensPerJ, 0, 'g', 3);
        lo = std::min(lo, p.tokensPerS), hi = std::max(hi, p.tokensPerS);
        plo = std::min(plo, p.powerW), phi = std::max(phi, p.powerW);
        ++published_;
    }
    if (d && m && m->avgPowerW > 0) {
        auto& [series, tips] = byClass["this design"];
        series = new QScatterSeries;
        series->setName("this design");
        series->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
        series->setMarkerSize(16);
        series->setColor(Qt::black);
        const double tps = m->decodeTokensPerS / std::max(1, d->workload.batch); // per sequence, as the survey
        series->append(m->avgPowerW, tps);
        tips << QString("%1 on %2 (batch %3): %4 W, %5 tokens/s per sequence")
                    .arg(QString::fromStdString(d->model.id), QString::fromStdString(d->hardware.id))
                    .arg(d->workload.batch)
                    .arg(m->avgPowerW, 0, 'g', 4)
                    .arg(tps, 0, 'g', 4);
        lo = std::min(lo, tps), hi = std::max(hi, tps);
        plo = std::min(plo, m->avgPowerW), phi = std::max(phi, m->avgPowerW);
    }
    QLogValueAxis* x = decadeAxis(plo, phi, "power (W)");
    QLogValueAxis* y = decadeAxis(lo, hi, "decode tokens/s (batch 1)");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (auto& [name, entry] : byClass) {
        auto [series, tips] = entry;
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
        connect(series, &QScatterSeries::hovered, this, [series, tips](const QPointF& p, bool state) {
            if (!state) return QToolTip::hideText();
            const auto pts = series->points();
            for (int i = 0; i < pts.size(); ++i)
                if (pts[i] == p && i < tips.size()) return QToolTip::showText(QCursor::pos(), tips[i]);
        });
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    replaceChart(view_, chart);
}

} // namespace llmdse
