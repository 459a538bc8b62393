#include "ui/ServingView.h"
#include "ui/ChartAxes.h"
#include "ui/ChartSwap.h"
#include "core/Errors.h"
#include "core/Units.h"
#include "estimators/serving/RequestStream.h"
#include "estimators/serving/ServingStudy.h"
#include "models/DesignJson.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPushButton>
#include <QScatterSeries>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>

namespace llmdse {

namespace {

constexpr int kMaxLevels = 32;

QString seconds(double s) { return QString::fromStdString(formatSeconds(s)); }

QString percentiles(const Distribution& x)
{
    if (x.count == 0) return "n/a";
    return QString("mean %1, p50 %2, p90 %3, p99 %4").arg(seconds(x.mean), seconds(x.p50), seconds(x.p90), seconds(x.p99));
}

// "12" or "1, 8, 32": the load levels, each > 0.
std::vector<double> parseLevels(const QString& text, bool whole)
{
    std::vector<double> out;
    const QStringList parts = text.split(',');
    if (parts.size() > kMaxLevels) throw InputError("", "load", "at most " + std::to_string(kMaxLevels) + " levels");
    for (const QString& p : parts) {
        bool ok = false;
        const double v = p.trimmed().toDouble(&ok);
        if (!ok || !(v > 0) || !std::isfinite(v) || v > 1e7 || (whole && v != std::floor(v)))
            throw InputError("", "load", "'" + p.trimmed().toStdString() + "' is not a " +
                                             (whole ? "whole number of clients >= 1" : "rate > 0"));
        out.push_back(v);
    }
    return out;
}

} // namespace

ServingView::ServingView(std::function<QJsonObject()> design, std::function<QString()> estimator, QWidget* parent)
    : QWidget(parent), design_(std::move(design)), estimator_(std::move(estimator)), loadMode_(new QComboBox),
      priority_(new QComboBox), router_(new QComboBox), load_(new QLineEdit("12")),
      prompt_(new QLineEdit("uniform:128:2048")), output_(new QLineEdit("lognormal:256:0.8")), sloTtft_(new QDoubleSpinBox),
      sloTpot_(new QDoubleSpinBox), requests_(new QSpinBox), maxBatch_(new QSpinBox), chunk_(new QSpinBox),
      steps_(new QSpinBox), replicas_(new QSpinBox), sharedPrefix_(new QSpinBox), prefixCaching_(new QCheckBox("on")),
      runButton_(new QPushButton("Simulate serving")), status_(new QLabel), table_(new QTableWidget), chart_(new QChartView)
{
    loadMode_->setObjectName("servingLoadMode");
    loadMode_->addItems({"Poisson arrivals (requests/s)", "Closed loop (clients)"});
    load_->setObjectName("servingLoad");
    load_->setToolTip("One level, or several separated by commas to sweep the load and find the knee");
    requests_->setObjectName("servingRequests");
    requests_->setRange(1, 10'000'000);
    requests_->setValue(10000);
    maxBatch_->setRange(0, 1 << 20);
    maxBatch_->setSpecialValueText("runtime's");
    maxBatch_->setValue(0);
    chunk_->setRange(-1, 1 << 20);
    chunk_->setSpecialValueText("runtime's");
    chunk_->setValue(-1);
    chunk_->setToolTip("Prompt tokens per step; 0: whole prompts");
    steps_->setObjectName("servingSteps");
    steps_->setRange(0, 1024);
    steps_->setSpecialValueText("runtime's");
    priority_->addItems({"runtime's", "first come first served", "shortest prompt first"});
    replicas_->setObjectName("servingReplicas");
    replicas_->setRange(1, kMaxReplicas);
    router_->addItems({"least loaded", "round robin"});
    sharedPrefix_->setRange(0, 1 << 20);
    sharedPrefix_->setSpecialValueText("none");
    sharedPrefix_->setToolTip("A system prompt of this many tokens in front of every prompt");
    sloTtft_->setRange(0, 1e6);
    sloTtft_->setValue(500);
    sloTpot_->setRange(0, 1e6);
    sloTpot_->setValue(50);
    prompt_->setToolTip("512 (fixed), uniform:A:B, lognormal:MEAN:SIGMA, sharegpt or empirical:FILE [tokens]");
    output_->setToolTip(prompt_->toolTip());
    runButton_->setObjectName("runServing");
    status_->setWordWrap(true);
    table_->setObjectName("servingTable");
    table_->setColumnCount(2);
    table_->setHorizontalHeaderLabels({"metric", "value"});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    chart_->setRenderHint(QPainter::Antialiasing);

    auto* form = new QFormLayout;
    form->addRow("Load", loadMode_);
    form->addRow("Level(s)", load_);
    form->addRow("Requests (measured)", requests_);
    form->addRow("Prompt length", prompt_);
    form->addRow("Output length", output_);
    form->addRow("Shared prefix (tokens)", sharedPrefix_);
    form->addRow("Prefix caching", prefixCaching_);
    form->addRow("Max running sequences", maxBatch_);
    form->addRow("Chunked prefill (tokens/step)", chunk_);
    form->addRow("Decode steps per decision", steps_);
    form->addRow("Admission order", priority_);
    form->addRow("Replicas", replicas_);
    form->addRow("Router", router_);
    form->addRow("SLO: time to first token (ms)", sloTtft_);
    form->addRow("SLO: time per output token (ms)", sloTpot_);
    auto* left = new QVBoxLayout;
    left->addLayout(form);
    left->addWidget(runButton_);
    left->addWidget(status_);
    left->addWidget(table_, 1);
    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left, 2);
    layout->addWidget(chart_, 3);
    connect(runButton_, &QPushButton::clicked, this, &ServingView::run);
    connect(loadMode_, &QComboBox::currentIndexChanged, this, [this](int closed) { load_->setText(closed ? "1,8,32,128" : "12"); });
    chart_->chart()->setTitle("Simulate serving to see latency percentiles here"); // the view's own default chart
}

int ServingView::rows() const { return table_->rowCount(); }

int ServingView::chartSeries() const { return int(chart_->chart()->series().size()); }

void ServingView::run()
{
    if (running_) return;
    ServingSetup setup;
    Design d;
    std::shared_ptr<Estimator> est;
    std::vector<double> levels;
    StreamSpec spec;
    const bool closed = loadMode_->currentIndex() == 1;
    QString what;
    try {
        d = designFromJson(design_());
        est = createEstimator(estimator_().toStdString());
        levels = parseLevels(load_->text(), closed);
        spec.prompt = LengthDistribution::parse(prompt_->text().toStdString(), "prompt length", "prompt");
        spec.output = LengthDistribution::parse(output_->text().toStdString(), "output length", "output");
        spec.count = requests_->value();
        spec.sharedPrefixTokens = sharedPrefix_->value();
        requireServingCapacity(spec.count + (closed ? (long long)levels.back() : 0), "requests");
        SchedulerConfig& c = setup.config;
        c = schedulerFor(d.runtime);
        if (maxBatch_->value() > 0) c.maxBatch = maxBatch_->value();
        if (chunk_->value() >= 0) {
            c.chunk = chunk_->value();
            if (!d.runtime.scheduler.set) c.mixed = c.chunk > 0;
        }
        if (steps_->value() > 0) c.stepsPerSchedule = steps_->value();
        if (priority_->currentIndex() > 0)
            c.order = priority_->currentIndex() == 1 ? AdmissionOrder::Fcfs : AdmissionOrder::ShortestPromptFirst;
        c.prefixCaching = prefixCaching_->isChecked();
        setup.load.replicas = replicas_->value();
        setup.load.router = router_->currentIndex() == 0 ? Router::LeastLoaded : Router::RoundRobin;
        setup.load.requestOverheadS = d.runtime.scheduler.requestOverheadS;
        setup.memoryBasis = d.runtime.scheduler.memoryBasis;
        if (sloTtft_->value() > 0) setup.slo.ttftS = sloTtft_->value() / 1e3;
        if (sloTpot_->value() > 0) setup.slo.tpotS = sloTpot_->value() / 1e3;
        what = QString("%1 on %2: %L3 requests, %4 %5, prompts %6, outputs %7")
                   .arg(QString::fromStdString(d.model.id), QString::fromStdString(d.hardware.id))
                   .arg(requests_->value())
                   .arg(closed ? "clients" : "requests/s", load_->text())
                   .arg(QString::fromStdString(spec.prompt.describe()), QString::fromStdString(spec.output.describe()));
    } catch (const std::exception& e) {
        status_->setText(QString("<span style='color:#b00020'>%1</span>").arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
        Q_EMIT finished(false);
        return;
    }
    running_ = true;
    runButton_->setEnabled(false);
    status_->setText("Simulating " + what + " ...");
    ServingView* self = this;
    const AsyncGuard::Handle post = guard_.handle(); // not a QPointer check: see AsyncGuard
    (void)QtConcurrent::run([self, post, d, est, setup, spec, levels, closed, what] {
        std::vector<LoadPoint> points;
        QString error;
        try {
            ServingStudy study(*est, d);
            for (double level : levels) {
                ServingSetup one = setup;
                StreamSpec s = spec;
                s.ratePerS = closed ? 0 : level;
                one.load.concurrency = closed ? (long long)level : 0;
                s.count = spec.count + one.load.concurrency; // a closed loop's cool-down
                one.load.measured = spec.count;
                one.requests = synthesiseRequests(s);
                points.push_back({level, study.run(std::move(one))});
            }
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        post.post([self, points, error, what, closed] {
            if (!self) return;
            self->running_ = false;
            self->runButton_->setEnabled(true);
            if (!error.isEmpty()) {
                self->status_->setText(QString("<span style='color:#b00020'>%1</span>").arg(error.toHtmlEscaped()));
                Q_EMIT self->finished(false);
                return;
            }
            if (points.size() == 1) self->show(points[0].outcome, what);
            else self->showSweep(points, what, closed ? "clients" : "requests/s");
            Q_EMIT self->finished(true);
        });
    });
}

void ServingView::show(const ServingOutcome& o, const QString& what)
{
    knee_ = -1;
    const ServingSummary& s = o.summary;
    const std::pair<QString, QString> rows[] = {
        {"time to first token", percentiles(s.ttftS)},
        {"time per output token", percentiles(s.tpotS)},
        {"inter-token latency", percentiles(s.itlS)},
        {"end-to-end latency", percentiles(s.e2eS)},
        {"throughput", QString("%1 requests/s, %2").arg(s.requestsPerS, 0, 'f', 2).arg(QString::fromStdString(formatSi(s.outputTokensPerS, "tokens/s")))},
        {"goodput (met the SLO)", QString("%1 requests/s (%2% of requests)").arg(s.goodputRequestsPerS, 0, 'f', 2)
                                      .arg(s.requests ? 100.0 * double(s.sloMet) / double(s.requests) : 0.0, 0, 'f', 1)},
        {"energy per request", QString::fromStdString(formatSi(s.energyPerRequestJ, "J"))},
        {"average power", QString::fromStdString(formatSi(s.avgPowerW, "W"))},
        {"mean batch / busy", QString("%1 sequences per step, busy %2% of the time").arg(s.meanBatch, 0, 'f', 1).arg(100 * s.busyFraction, 0, 'f', 1)},
        {"preemptions / rejected", QString("%1 / %2").arg(s.preemptions).arg(s.rejected)},
        {"prefix cache", o.config.prefixCaching ? QString("%1% of prompt tokens served from the cache").arg(100 * s.prefixHitRate, 0, 'f', 1)
                                                : QString("off")},
        {"KV cache", QString("%L1 blocks of %2 tokens per server").arg(o.config.kvBlocks).arg(o.config.blockSize)},
        {"simulated", QString("%1 of serving in %2 s (%L3 steps)").arg(seconds(s.simulatedS)).arg(o.wallS, 0, 'f', 2).arg(s.steps)},
    };
    table_->setColumnCount(2);
    table_->setHorizontalHeaderLabels({"metric", "value"});
    table_->setRowCount(int(std::size(rows)));
    for (int i = 0; i < int(std::size(rows)); ++i) {
        table_->setItem(i, 0, new QTableWidgetItem(rows[i].first));
        table_->setItem(i, 1, new QTableWidgetItem(rows[i].second));
    }
    status_->setText(what + ". Step costs: the estimator on a grid of batch x context x prefill tokens, interpolated.");
    auto* chart = new QChart;
    chart->setTitle("Latency percentiles (log scale)");
    auto* series = new QBarSeries;
    const std::pair<const char*, const Distribution*> parts[] = {
        {"TTFT", &s.ttftS}, {"TPOT", &s.tpotS}, {"ITL", &s.itlS}, {"E2E", &s.e2eS}}; // short: the categories share a narrow chart
    const TimeUnit unit = timeUnitFor(s.e2eS.p99); // the longest figure sets the unit
    double lo = 1e300, hi = 0;
    for (auto [name, x] : {std::pair{"p50", &Distribution::p50}, {"p90", &Distribution::p90}, {"p99", &Distribution::p99}}) {
        auto* set = new QBarSet(name);
        for (const auto& p : parts) {
            const double v = std::max(1e-6, p.second->*x * unit.perSecond);
            *set << v;
            lo = std::min(lo, v), hi = std::max(hi, v);
        }
        series->append(set);
    }
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    for (const auto& p : parts) x->append(p.first);
    QLogValueAxis* y = decadeAxis(lo, hi, QString("time (%1)").arg(QString::fromUtf8(unit.name)));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    replaceChart(chart_, chart);
}

void ServingView::showSweep(const std::vector<LoadPoint>& points, const QString& what, const QString& unit)
{
    const int knee = kneeOf(points);
    knee_ = knee >= 0 ? points[size_t(knee)].load : -1;
    table_->setColumnCount(6);
    table_->setHorizontalHeaderLabels({unit, "requests/s", "tokens/s", "TTFT p50 / p99", "ITL p50 / p99", "E2E p50"});
    table_->setRowCount(int(points.size()));
    for (int i = 0; i < int(points.size()); ++i) {
        const ServingSummary& s = points[size_t(i)].outcome.summary;
        const QString cells[] = {
            QString::number(points[size_t(i)].load) + (i == knee ? "  (knee)" : ""),
            QString::number(s.requestsPerS, 'f', 2),
            QString::fromStdString(formatSi(s.outputTokensPerS, "")),
            s.ttftS.count ? seconds(s.ttftS.p50) + " / " + seconds(s.ttftS.p99) : "n/a",
            s.itlS.count ? seconds(s.itlS.p50) + " / " + seconds(s.itlS.p99) : "n/a",
            s.e2eS.count ? seconds(s.e2eS.p50) : "n/a"};
        for (int c = 0; c < 6; ++c) table_->setItem(i, c, new QTableWidgetItem(cells[c]));
    }
    status_->setText(what + ". " +
                     (knee >= 0 ? QString("Knee at %1 %2: the median TTFT reaches twice its lightest-load value.").arg(knee_).arg(unit)
                                : QString("No knee: the median TTFT stays below twice its lightest-load value.")));

    auto* chart = new QChart;
    chart->setTitle("TTFT and ITL against the load (ms, log scale)" +
                    (knee >= 0 ? QString(" - knee at %1 %2").arg(knee_).arg(unit) : QString()));
    auto* x = new QValueAxis;
    x->setTitleText(unit);
    x->setLabelFormat("%g");
    auto* y = new QLogValueAxis;
    y->setLabelFormat("%g");
    y->setTitleText("ms");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    double lo = 1e300, hi = 0;
    auto curve = [&](const QString& name, const Distribution ServingSummary::*d, double Distribution::*q) {
        auto* line = new QLineSeries;
        line->setName(name);
        for (const auto& p : points) {
            const Distribution& dist = p.outcome.summary.*d;
            if (dist.count == 0) continue;
            const double v = std::max(1e-3, dist.*q * 1e3);
            line->append(p.load, v);
            lo = std::min(lo, v), hi = std::max(hi, v);
        }
        chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
        return line;
    };
    curve("TTFT p50", &ServingSummary::ttftS, &Distribution::p50);
    curve("TTFT p99", &ServingSummary::ttftS, &Distribution::p99);
    curve("ITL p50", &ServingSummary::itlS, &Distribution::p50);
    curve("ITL p99", &ServingSummary::itlS, &Distribution::p99);
    if (knee >= 0) {
        auto* mark = new QScatterSeries;
        mark->setName("knee");
        mark->setMarkerSize(14);
        const Distribution& t = points[size_t(knee)].outcome.summary.ttftS;
        mark->append(knee_, std::max(1e-3, t.p50 * 1e3));
        chart->addSeries(mark);
        mark->attachAxis(x);
        mark->attachAxis(y);
    }
    x->setRange(0, points.back().load * 1.05);
    if (hi > 0) y->setRange(lo / 2, hi * 2);
    replaceChart(chart_, chart);
}

} // namespace llmdse
