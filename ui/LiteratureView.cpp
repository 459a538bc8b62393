#include "ui/LiteratureView.h"
#include "ui/ChartAxes.h"
#include "ui/ChartSwap.h"
#include "core/Literature.h"
#include "core/TextTable.h"
#include "estimators/validation/LiteratureComparison.h"

#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QLabel>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QTabWidget>
#include <QToolTip>
#include <QVBoxLayout>
#include <map>

namespace llmdse {

namespace {

// One colour per class, the same wherever classes are told apart here (Okabe-Ito, distinguishable
// with the common colour-vision deficiencies).
QColor classColour(const std::string& cls)
{
    static const std::map<std::string, QColor> colours{{"cpu", QColor("#0072B2")}, {"gpu", QColor("#009E73")},
                                                       {"fpga", QColor("#E69F00")}, {"asic", QColor("#CC79A7")},
                                                       {"pim", QColor("#D55E00")}};
    const auto it = colours.find(cls);
    return it == colours.end() ? QColor("#555") : it->second;
}

QString signedPercent(double e) { return QString("%1%2%").arg(e >= 0 ? "+" : "").arg(100 * e, 0, 'f', 1); }

// Shows the tip of the hovered point of `series` (tips in point order).
void tipOnHover(QObject* owner, QScatterSeries* series, const QStringList* tips)
{
    QObject::connect(series, &QScatterSeries::hovered, owner, [series, tips](const QPointF& p, bool state) {
        if (!state) return QToolTip::hideText();
        const auto pts = series->points();
        for (int i = 0; i < pts.size(); ++i)
            if (pts[i] == p && i < tips->size()) return QToolTip::showText(QCursor::pos(), tips->at(i));
    });
}

} // namespace

LiteratureView::LiteratureView(QWidget* parent)
    : QWidget(parent), tabs_(new QTabWidget), view_(new QChartView), comparison_(new QChartView), note_(new QLabel),
      summary_(new QLabel)
{
    view_->setRenderHint(QPainter::Antialiasing);
    comparison_->setRenderHint(QPainter::Antialiasing);
    comparison_->setObjectName("literatureComparison");
    summary_->setObjectName("literatureSummary");
    summary_->setWordWrap(true);
    summary_->setStyleSheet("color: #555;");
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto page = [](QWidget* chart, QWidget* below) { // a chart over its explanation
        auto* w = new QWidget;
        auto* l = new QVBoxLayout(w);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(chart, 1);
        l->addWidget(below);
        return w;
    };
    tabs_->setObjectName("literatureTabs");
    tabs_->addTab(page(view_, note_), "Published systems");
    tabs_->addTab(page(comparison_, summary_), "Estimate vs published");
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int i) {
        if (i == 1) showComparison();
    });
    note_->setWordWrap(true);
    note_->setStyleSheet("color: #555;");
    note_->setText("Published batch-1 decode measurements of ~7B models collected by the survey of Li et al. "
                   "(arXiv 2410.04466; the authors' data release). Power is often the device TDP, not a "
                   "measurement. Hover a point for its work, device, precision and tokens/J.");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tabs_);
    plot(nullptr, nullptr);
}

const QStringList& LiteratureView::comparisonTips(const QString& cls) const
{
    static const QStringList none;
    const auto it = tips_.find(cls);
    return it == tips_.end() ? none : it->second;
}

QString LiteratureView::comparisonSummary() const { return summary_->text(); }

void LiteratureView::showComparison()
{
    if (compared_) return;
    compared_ = true;
    // The same rows, rules and estimator as `llmdse validate --literature`.
    const EstimatorChoice est; // each row's hardware class's estimator
    const std::vector<LiteratureComparison> cmp =
        compareLiterature(est, mapLiterature(literaturePoints(), bundledLiteratureMapping()));
    auto* chart = new QChart;
    chart->setTitle("Decode tokens/s (batch 1): estimate against published, per mapped row");
    std::map<QString, QScatterSeries*> series;
    tips_.clear();
    double lo = 1e30, hi = 0;
    for (const LiteratureComparison& c : cmp) {
        if (!c.row.unmapped.empty() || !(c.estimatedTokensPerS > 0)) continue;
        const LiteraturePoint& p = *c.row.point;
        // Rows compared count in the class's error; the others (not plain decoding, unreachable) are hollow.
        const QString name = QString::fromStdString(c.row.cls) + (c.compared ? "" : " (not compared)");
        QScatterSeries*& s = series[name];
        if (!s) {
            s = new QScatterSeries;
            s->setName(name);
            s->setMarkerSize(c.compared ? 10 : 8);
            const QColor colour = classColour(c.row.cls);
            s->setColor(c.compared ? colour : QColor(Qt::transparent));
            s->setBorderColor(colour.darker(c.compared ? 130 : 100));
        }
        s->append(p.tokensPerS, c.estimatedTokensPerS);
        QString tip = QString("row %1: %2 on %3 (%4)\nmapping: %5\npublished %6 tokens/s, estimated %7 tokens/s: %8")
                          .arg(p.row)
                          .arg(QString::fromStdString(p.work), QString::fromStdString(p.device.empty() ? "-" : p.device),
                               QString::fromStdString(p.precision), QString::fromStdString(c.row.mapping))
                          .arg(p.tokensPerS, 0, 'g', 4)
                          .arg(c.estimatedTokensPerS, 0, 'g', 4)
                          .arg(signedPercent(c.tokensPerSError()));
        if (c.powerMeasured)
            tip += QString("\nmeasured power %1 W, estimated %2 W: %3")
                       .arg(p.powerW, 0, 'g', 4)
                       .arg(c.estimatedPowerW, 0, 'g', 4)
                       .arg(signedPercent(c.powerError()));
        if (!c.compared) tip += "\nnot in the class's error: " + QString::fromStdString(c.excluded);
        tips_[name] << tip;
        lo = std::min({lo, p.tokensPerS, c.estimatedTokensPerS});
        hi = std::max({hi, p.tokensPerS, c.estimatedTokensPerS});
    }
    if (hi <= 0) lo = 1, hi = 10;
    QLogValueAxis* x = decadeAxis(lo, hi, "published decode tokens/s");
    QLogValueAxis* y = decadeAxis(lo, hi, "estimated decode tokens/s");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    auto* same = new QLineSeries; // estimate = published
    same->setName("estimate = published");
    same->setObjectName("identity");
    QPen dashed(QColor("#777"));
    dashed.setStyle(Qt::DashLine);
    same->setPen(dashed);
    same->append({{x->min(), x->min()}, {x->max(), x->max()}});
    chart->addSeries(same);
    same->attachAxis(x);
    same->attachAxis(y);
    for (auto& [name, s] : series) {
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
        tipOnHover(this, s, &tips_[name]);
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    replaceChart(comparison_, chart);

    QStringList lines;
    for (const LiteratureClassSummary& sum : summariseLiterature(cmp)) {
        if (!sum.compared) continue;
        lines << QString("%1: %2 rows compared, median |error| %3%, %4% within 25%, %5% within 2x%6")
                     .arg(QString::fromStdString(sum.cls))
                     .arg(sum.compared)
                     .arg(100 * sum.medianAbsError, 0, 'f', 1)
                     .arg(100 * sum.within25, 0, 'f', 0)
                     .arg(100 * sum.within2x, 0, 'f', 0)
                     .arg(sum.powerRows ? QString("; measured power: %1 rows, median |error| %2%")
                                              .arg(sum.powerRows)
                                              .arg(100 * sum.medianAbsPowerError, 0, 'f', 1)
                                        : QString());
    }
    summary_->setText("The survey's rows mapped to designs by written rules (resources/literature/mapping.json; "
                      "`llmdse validate --literature` prints the same rows); hollow: mapped but not plain decoding "
                      "or not physically reachable. Hover a point for its mapping and error.\n" +
                      lines.join("\n"));
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
