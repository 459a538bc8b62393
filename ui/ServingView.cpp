#include "ui/ServingView.h"
#include "ui/ChartAxes.h"
#include "ui/ChartSwap.h"
#include "core/Units.h"
#include "estimators/serving/RequestStream.h"
#include "estimators/serving/ServingStudy.h"
#include "models/DesignJson.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLogValueAxis>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace llmdse {

ServingView::ServingView(std::function<QJsonObject()> design, std::function<QString()> estimator, QWidget* parent)
    : QWidget(parent), design_(std::move(design)), estimator_(std::move(estimator)), rate_(new QDoubleSpinBox),
      sloTtft_(new QDoubleSpinBox), sloTpot_(new QDoubleSpinBox), requests_(new QSpinBox), maxBatch_(new QSpinBox),
      chunk_(new QSpinBox), prompt_(new QLineEdit("uniform:128:2048")), output_(new QLineEdit("lognormal:256:0.8")),
      runButton_(new QPushButton("Simulate serving")), status_(new QLabel), table_(new QTableWidget), chart_(new QChartView)
{
    rate_->setObjectName("servingRate");
    rate_->setRange(0.001, 1e6);
    rate_->setDecimals(3);
    rate_->setValue(12);
    requests_->setObjectName("servingRequests");
    requests_->setRange(1, 10'000'000);
    requests_->setValue(10000);
    maxBatch_->setRange(1, 65536);
    maxBatch_->setValue(256);
    chunk_->setRange(0, 1 << 20);
    chunk_->setValue(2048);
    chunk_->setSpecialValueText("off (whole prompts)");
    sloTtft_->setRange(0, 1e6);
    sloTtft_->setValue(500);
    sloTpot_->setRange(0, 1e6);
    sloTpot_->setValue(50);
    prompt_->setToolTip("512 (fixed), uniform:A:B or lognormal:MEAN:SIGMA [tokens]");
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
    form->addRow("Arrival rate (requests/s, Poisson)", rate_);
    form->addRow("Requests", requests_);
    form->addRow("Prompt length", prompt_);
    form->addRow("Output length", output_);
    form->addRow("Max running sequences", maxBatch_);
    form->addRow("Chunked prefill (tokens/step)", chunk_);
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
    chart_->chart()->setTitle("Simulate serving to see latency percentiles here"); // the view's own default chart
}

int ServingView::rows() const { return table_->rowCount(); }

void ServingView::run()
{
    if (running_) return;
    ServingSetup setup;
    Design d;
    std::shared_ptr<Estimator> est;
    QString what;
    try {
        d = designFromJson(design_());
        est = createEstimator(estimator_().toStdString());
        const auto prompt = LengthDistribution::parse(prompt_->text().toStdString(), "prompt length");
        const auto output = LengthDistribution::parse(output_->text().toStdString(), "output length");
        setup.requests = poissonRequests(rate_->value(), requests_->value(), prompt, output, 1);
        setup.config.maxBatch = maxBatch_->value();
        setup.config.chunk = chunk_->value();
        if (sloTtft_->value() > 0) setup.slo.ttftS = sloTtft_->value() / 1e3;
        if (sloTpot_->value() > 0) setup.slo.tpotS = sloTpot_->value() / 1e3;
        what = QString("%1 on %2: %L3 requests at %4/s, prompts %5, outputs %6")
                   .arg(QString::fromStdString(d.model.id), QString::fromStdString(d.hardware.id))
                   .arg(requests_->value())
                   .arg(rate_->value())
                   .arg(QString::fromStdString(prompt.describe()), QString::fromStdString(output.describe()));
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
    (void)QtConcurrent::run([self, post, d, est, setup, what] {
        ServingOutcome o;
        QString error;
        try {
            o = runServing(*est, d, setup);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        post.post([self, o, error, what] {
            if (!self) return;
            self->running_ = false;
            self->runButton_->setEnabled(true);
            if (!error.isEmpty()) {
                self->status_->setText(QString("<span style='color:#b00020'>%1</span>").arg(error.toHtmlEscaped()));
                Q_EMIT self->finished(false);
                return;
            }
            self->show(o, what);
            Q_EMIT self->finished(true);
        });
    });
}

void ServingView::show(const ServingOutcome& o, const QString& what)
{
    const ServingSummary& s = o.summary;
    auto ms = [](const Distribution& x) {
        return QString("mean %1, p50 %2, p90 %3, p99 %4")
            .arg(QString::fromStdString(formatSeconds(x.mean)), QString::fromStdString(formatSeconds(x.p50)),
                 QString::fromStdString(formatSeconds(x.p90)), QString::fromStdString(formatSeconds(x.p99)));
    };
    const std::pair<QString, QString> rows[] = {
        {"time to first token", ms(s.ttftS)},
        {"time per output token", ms(s.tpotS)},
        {"end-to-end latency", ms(s.e2eS)},
        {"throughput", QString("%1 requests/s, %2").arg(s.requestsPerS, 0, 'f', 2).arg(QString::fromStdString(formatSi(s.outputTokensPerS, "tokens/s")))},
        {"goodput (met the SLO)", QString("%1 requests/s (%2% of requests)").arg(s.goodputRequestsPerS, 0, 'f', 2)
                                      .arg(s.completed ? 100.0 * double(s.sloMet) / double(s.completed) : 0.0, 0, 'f', 1)},
        {"energy per request", QString::fromStdString(formatSi(s.energyPerRequestJ, "J"))},
        {"average power", QString::fromStdString(formatSi(s.avgPowerW, "W"))},
        {"mean batch / busy", QString("%1 sequences per step, busy %2% of the time").arg(s.meanBatch, 0, 'f', 1).arg(100 * s.busyFraction, 0, 'f', 1)},
        {"preemptions / rejected", QString("%1 / %2").arg(s.preemptions).arg(s.rejected)},
        {"KV cache", QString("%L1 blocks of %2 tokens").arg(o.config.kvBlocks).arg(o.config.blockSize)},
        {"simulated", QString("%1 of serving in %2 s (%L3 steps)").arg(QString::fromStdString(formatSeconds(s.simulatedS)))
                          .arg(o.wallS, 0, 'f', 2).arg(s.steps)},
    };
    table_->setRowCount(int(std::size(rows)));
    for (int i = 0; i < int(std::size(rows)); ++i) {
        table_->setItem(i, 0, new QTableWidgetItem(rows[i].first));
        table_->setItem(i, 1, new QTableWidgetItem(rows[i].second));
    }
    status_->setText(what + ". Step costs: the estimator on a grid of batch x context x prefill tokens, interpolated.");
    auto* chart = new QChart;
    chart->setTitle("Latency percentiles (log scale)");
    auto* series = new QBarSeries;
    const std::pair<const char*, const Distribution*> parts[] = {{"TTFT", &s.ttftS}, {"TPOT", &s.tpotS}, {"end-to-end", &s.e2eS}};
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
    x->append({"TTFT", "TPOT", "end-to-end"});
    QLogValueAxis* y = decadeAxis(lo, hi, QString("time (%1)").arg(QString::fromUtf8(unit.name)));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    replaceChart(chart_, chart);
}

} // namespace llmdse
