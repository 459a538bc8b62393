// Intervals in the workbench (offscreen): the Results cards show each metric's interval with its basis in
// the tooltip, reports print them, the Compare and Sweep charts draw them as error bars on request, and
// the Literature view plots every mapped row's estimate against its published figure.
#include "testsupport/TestSupport.h"
#include "core/Literature.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/validation/LiteratureComparison.h"
#include "models/DesignJson.h"
#include "ui/CompareModel.h"
#include "ui/CompareView.h"
#include "ui/DesignReport.h"
#include "ui/HeadlineMetrics.h"
#include "ui/LiteratureView.h"
#include "estimators/Estimator.h"
#include "ui/MainWindow.h"
#include "ui/ResultsView.h"
#include "ui/SweepView.h"

#include <QChart>
#include <QChartView>
#include <QJsonArray>
#include <QLineSeries>
#include <QRegularExpression>
#include <QScatterSeries>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>

using namespace llmdse;

namespace {

Design design(const QString& hardware, const QString& weights = "fp16")
{
    return designFromJson({{"model", "llama-2-7b"}, {"hardware", hardware}, {"weights", weights}});
}

std::vector<QLineSeries*> errorBars(QChartView* v)
{
    std::vector<QLineSeries*> bars;
    for (QAbstractSeries* s : v->chart()->series())
        if (s->objectName() == "errorBar") bars.push_back(qobject_cast<QLineSeries*>(s));
    return bars;
}

// The lowest and highest y of a bar.
std::pair<double, double> yExtent(const QLineSeries* s)
{
    double lo = 1e300, hi = -1e300;
    for (const QPointF& p : s->points()) lo = std::min(lo, p.y()), hi = std::max(hi, p.y());
    return {lo, hi};
}

} // namespace

class TestIntervalsGui : public QObject {
    Q_OBJECT

    QTemporaryDir settingsDir_;

private Q_SLOTS:
    void initTestCase()
    {
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir_.path());
        QCoreApplication::setOrganizationName("llmdse-tests");
    }

    // The window's estimate arrives with its intervals: every card shows the one `evaluate` gives, the
    // tooltip says its level and basis; an estimate that fails clears them.
    void cardsShowTheInterval()
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::resultsShown);
        QVERIFY(shown.wait(10000));
        while (shown.wait(300)) {}
        const Design d = designFromJson(w.currentDesign());
        const Metrics m = AnalyticalEstimator().evaluate(d);
        AnalyticalEstimator est;
        const Uncertainty u = estimateUncertainty(est, d, m);
        QVERIFY(!u.intervals.empty());
        int withInterval = 0;
        for (const Headline& h : headlineMetrics(m, &u)) {
            if (!h.card) continue;
            const QString shown = w.results()->cardInterval(h.key);
            if (!h.interval) {
                QVERIFY2(shown.isEmpty(), h.key); // area: no interval is invented
                continue;
            }
            ++withInterval;
            QCOMPARE(shown, formatHeadline(h, h.interval->first) + " – " + formatHeadline(h, h.interval->second));
            QVERIFY(h.interval->first <= h.value && h.value <= h.interval->second);
            const QString tip = w.results()->cardTip(h.key);
            QVERIFY2(tip.contains("90% interval") && tip.contains("basis: ") &&
                         tip.contains(QString::fromStdString(u.basis).left(40)),
                     qPrintable(tip));
        }
        QCOMPARE(withInterval, 5); // TTFT, TPOT, tokens/s, tokens/J, power
        w.results()->showError("test");
        QVERIFY(w.results()->cardInterval("tpot").isEmpty());
        QVERIFY(w.results()->cardTip("tpot").isEmpty());
    }

    // The estimator is per hardware class unless the user names one, as in `evaluate`: an FPGA card
    // gets its compiled plan, a GPU the analytical estimator; a named one holds for every card, and a
    // saved project keeps the choice, not what it resolved to.
    void estimatorFollowsTheHardwareClass()
    {
        MainWindow w;
        w.loadDesign({{"model", "llama-2-7b"}, {"hardware", "alveo-u280"}, {"weights", "int4:g128"}});
        QCOMPARE(w.estimatorId(), QString::fromStdString(defaultEstimatorId(designFromJson(w.currentDesign()))));
        QCOMPARE(w.estimatorId(), QString("fpga-overlay"));
        w.loadDesign({{"hardware", "h100-sxm"}});
        QCOMPARE(w.estimatorId(), QString("analytical"));
        w.loadDesign({{"hardware", "alveo-u280"}, {"_estimator", "analytical"}});
        QCOMPARE(w.estimatorId(), QString("analytical"));
        w.loadDesign({{"_estimator", "per hardware class"}});
        QCOMPARE(w.estimatorId(), QString("fpga-overlay"));
        QTemporaryDir dir;
        const QString path = dir.filePath("fpga.llmdse");
        w.saveProjectAs(path);
        w.loadDesign({{"_estimator", "analytical"}});
        w.openProject(path);
        QCOMPARE(w.estimatorId(), QString("fpga-overlay"));
    }

    // A design report prints each headline metric with its interval and says what the intervals rest on.
    void reportsIncludeTheInterval()
    {
        const Design d = design("rtx-3090"); // a preset with figures of no primary source: widened
        const DesignReport r = makeDesignReport(d, "analytical");
        const QString html = r.html();
        const MetricInterval* tpot = r.uncertainty.find("tpot_s");
        QVERIFY(tpot && tpot->lo < tpot->value && tpot->value < tpot->hi);
        for (const Headline& h : headlineMetrics(r.metrics, &r.uncertainty))
            if (h.interval) QVERIFY2(html.contains(headlineText(h).toHtmlEscaped()), qPrintable(headlineText(h)));
        QVERIFY(html.contains("In brackets: the 90% interval"));
        QVERIFY(html.contains("widened for preset figures with no primary source"));
    }

    // Compare: a pinned design carries its intervals (table tooltip with the basis); "Error bars" draws
    // one bar per design and metric, spanning the interval relative to the first design.
    void compareDrawsErrorBars()
    {
        CompareModel model;
        CompareView view(&model);
        const Design a = design("h100-sxm"), b = design("h100-sxm", "int4:g128");
        AnalyticalEstimator est;
        model.pin({{}, a, est.evaluate(a), "analytical", {}});
        model.pin({{}, b, est.evaluate(b), "analytical", {}});
        const int tpot = 1;
        const auto iv = model.interval(tpot, 1);
        QVERIFY(iv && iv->first < model.value(tpot, 1) && model.value(tpot, 1) < iv->second);
        const QString tip = model.data(model.index(model.rowOfMetric(tpot), 1), Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains("basis: ") && tip.contains("torch-cudagraph"), qPrintable(tip));
        // The cell reads as evaluate's table: "3.24 ms (3.12-3.39)".
        const Headline h = headlineMetrics(model.pinned()[1].metrics, &model.pinned()[1].uncertainty)[tpot];
        QCOMPARE(model.data(model.index(model.rowOfMetric(tpot), 1)).toString(), headlineText(h));
        QVERIFY2(headlineText(h).contains(QRegularExpression("^[0-9.]+ ms \\([0-9.]+-[0-9.]+\\)$")), qPrintable(headlineText(h)));
        QVERIFY(errorBars(view.chartView()).empty()); // off by default
        view.setErrorBars(true);
        const auto bars = errorBars(view.chartView());
        QCOMPARE(int(bars.size()), 2 * 5); // two designs x five metrics
        // The TPOT bar of the second design (category 1, design 1): its interval over the first design's TPOT.
        const double base = model.value(tpot, 0);
        bool found = false;
        for (QLineSeries* s : bars) {
            const auto [lo, hi] = yExtent(s);
            if (std::abs(lo - iv->first / base) < 1e-9 && std::abs(hi - iv->second / base) < 1e-9) found = true;
        }
        QVERIFY(found);
        view.setErrorBars(false);
        QVERIFY(errorBars(view.chartView()).empty());
    }

    // Sweep: "Error bars" draws the front's intervals (re-estimated from the study) around its points.
    void sweepDrawsErrorBars()
    {
        SweepView view([] { return QJsonObject{{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}}; });
        view.resize(1000, 800);
        view.setStudy(QJsonObject{{"base", QJsonObject{{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}}},
                                  {"grid", QJsonObject{{"batch", QJsonArray{1, 2, 4, 8, 16, 32}},
                                                       {"hardware", QJsonArray{"h100-sxm", "a100-80gb", "rtx-3090"}}}},
                                  {"objectives", QJsonArray{"tpot_s", "-tokens_per_j"}}});
        QSignalSpy finished(&view, &SweepView::finished);
        QSignalSpy plotted(&view, &SweepView::plotted);
        view.run();
        QVERIFY(finished.wait(30000));
        QVERIFY(plotted.wait(10000) || plotted.count() > 0);
        QVERIFY(!view.front().empty());
        QVERIFY(errorBars(view.chartView()).empty());
        plotted.clear();
        view.setErrorBars(true);
        QVERIFY(plotted.wait(10000));
        const auto bars = errorBars(view.chartView());
        QVERIFY(!bars.empty());
        QVERIFY(bars.size() <= view.front().size());
        QVERIFY(view.chartView()->chart()->title().contains("error bars"));
        // Each bar crosses its point: the vertical part spans more than nothing and holds the point.
        for (QLineSeries* s : bars) {
            const auto pts = s->points();
            QVERIFY(pts.size() == 5); // x bar, back to the point, y bar
            const QPointF at = pts[2];
            QVERIFY(pts[0].x() < at.x() && at.x() < pts[1].x());
            QVERIFY(pts[3].y() < at.y() && at.y() < pts[4].y());
        }
    }

    // Literature: one point per mapped row with an estimate, coloured by class, against y = x; the
    // hover text gives the mapping and the error, the same figures as `validate --literature`.
    void literatureComparesEstimateAndPublished()
    {
        LiteratureView v;
        v.showComparison();
        QChart* chart = v.comparisonView()->chart();
        QScatterSeries* gpu = nullptr;
        bool identity = false;
        for (QAbstractSeries* s : chart->series()) {
            if (s->name() == "gpu") gpu = qobject_cast<QScatterSeries*>(s);
            if (s->objectName() == "identity") identity = true;
        }
        QVERIFY(identity);
        QVERIFY(gpu);
        AnalyticalEstimator est;
        const auto cmp = compareLiterature(est, mapLiterature(literaturePoints(), bundledLiteratureMapping()));
        const auto gpuCompared = std::count_if(cmp.begin(), cmp.end(), [](const LiteratureComparison& c) {
            return c.compared && c.row.cls == "gpu";
        });
        QCOMPARE(gpu->count(), int(gpuCompared));
        const QStringList& tips = v.comparisonTips("gpu");
        QCOMPARE(tips.size(), gpu->count());
        for (int i = 0; i < gpu->count(); ++i) {
            const QPointF p = gpu->at(i);
            const QString error = QString("%1%2%").arg(p.y() >= p.x() ? "+" : "").arg(100 * (p.y() / p.x() - 1), 0, 'f', 1);
            QVERIFY2(tips[i].contains("mapping: ") && (tips[i].endsWith(error) || tips[i].contains(error + "\n")),
                     qPrintable(tips[i] + " / " + error));
        }
        QVERIFY(v.comparisonSummary().contains("gpu: ") && v.comparisonSummary().contains("median |error|"));
    }
};

QTEST_MAIN(TestIntervalsGui)
#include "tst_intervals_gui.moc"
