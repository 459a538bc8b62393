#include "ui/SweepView.h"
#include "core/Errors.h"
#include "estimators/sweep/SweepRunner.h"
#include "models/DesignJson.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLogValueAxis>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>

namespace llmdse {

SweepView::SweepView(std::function<QJsonObject()> currentDesign, QWidget* parent)
    : QWidget(parent), currentDesign_(std::move(currentDesign)), editor_(new QPlainTextEdit),
      runButton_(new QPushButton("Run sweep")), cancelButton_(new QPushButton("Cancel")), progress_(new QProgressBar),
      status_(new QLabel), x_(new QComboBox), y_(new QComboBox), chart_(new QChartView), table_(new QTableView),
      model_(new SweepTableModel(this))
{
    editor_->setObjectName("studyEditor");
    editor_->setFont(QFont("monospace"));
    runButton_->setObjectName("runSweep");
    cancelButton_->setObjectName("cancelSweep");
    cancelButton_->setEnabled(false);
    for (int m = 0; m < kMetricCount; ++m) {
        x_->addItem(metricName(MetricId(m)));
        y_->addItem(metricName(MetricId(m)));
    }
    x_->setCurrentText("tpot_s");
    y_->setCurrentText("tokens_per_j");
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model_);
    proxy->setSortRole(Qt::UserRole);
    table_->setModel(proxy);
    table_->setSortingEnabled(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    chart_->setRenderHint(QPainter::Antialiasing);

    auto* controls = new QHBoxLayout;
    controls->addWidget(runButton_);
    controls->addWidget(cancelButton_);
    controls->addWidget(progress_, 1);
    controls->addWidget(new QLabel("x"));
    controls->addWidget(x_);
    controls->addWidget(new QLabel("y"));
    controls->addWidget(y_);
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(editor_);
    topLayout->addLayout(controls);
    topLayout->addWidget(status_);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(chart_);
    split->addWidget(table_);
    split->setSizes({220, 380, 260});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(runButton_, &QPushButton::clicked, this, &SweepView::run);
    connect(cancelButton_, &QPushButton::clicked, this, &SweepView::cancel);
    connect(x_, &QComboBox::currentTextChanged, this, &SweepView::plot);
    connect(y_, &QComboBox::currentTextChanged, this, &SweepView::plot);
}

void SweepView::showEvent(QShowEvent* e)
{
    // First shown: a study around the design in the docks.
    if (editor_->toPlainText().isEmpty()) {
        QJsonObject base = currentDesign_();
        for (const char* k : {"weights", "batch"}) base.remove(k);
        setStudy({{"base", base},
                  {"grid", QJsonObject{{"batch", QJsonArray{1, 2, 4, 8, 16, 32, 64}},
                                       {"weights", QJsonArray{"fp16", "int8:g128", "int4:g128"}},
                                       {"hardware", QJsonArray{"h100-sxm", "h200-sxm", "a100-80gb", "mi300x", "l4"}}}},
                  {"objectives", QJsonArray{"tpot_s", "-tokens_per_j"}}});
    }
    QWidget::showEvent(e);
}

void SweepView::setStudy(const QJsonObject& study)
{
    editor_->setPlainText(QString::fromUtf8(QJsonDocument(study).toJson(QJsonDocument::Indented)));
}

void SweepView::run()
{
    if (running_) return;
    const QJsonDocument doc = QJsonDocument::fromJson(editor_->toPlainText().toUtf8());
    try {
        if (!doc.isObject()) throw InputError("study", "", "the study is not a JSON object");
        study_ = std::make_shared<Study>(parseStudy(doc.object(), "study"));
    } catch (const std::exception& e) {
        status_->setText(QString("<span style='color:#b00020'>%1</span>").arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
        return;
    }
    running_ = true;
    runButton_->setEnabled(false);
    cancelButton_->setEnabled(true);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    status_->setText(QString("Evaluating %L1 points ...").arg(study_->totalPoints()));
    auto results = std::make_shared<SweepResults>();
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    QPointer<SweepView> self(this);
    (void)QtConcurrent::run([self, study = study_, results, cancel = cancel_] {
        SweepOptions opts;
        opts.cancel = cancel.get();
        opts.pareto = !study->objectives.empty();
        QElapsedTimer last;
        last.start();
        opts.progress = [&](std::int64_t done, std::int64_t total) {
            if (last.elapsed() < 50 && done < total) return; // at most 20 updates a second
            last.restart();
            QMetaObject::invokeMethod(self, [self, done, total] {
                if (self) self->progress_->setValue(int(1000.0 * double(done) / double(std::max<std::int64_t>(total, 1))));
            }, Qt::QueuedConnection);
        };
        SweepSummary s;
        QString error;
        try {
            s = runSweep(*study, *results, false, opts);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        std::vector<std::int64_t> front;
        for (const auto& p : s.front) front.push_back(p.index);
        QMetaObject::invokeMethod(self, [self, results, s, error, front] {
            if (!self) return;
            self->results_ = results;
            self->done(s.cancelled, s.evaluated, error, front, s.seconds);
        }, Qt::QueuedConnection);
    });
}

void SweepView::cancel()
{
    if (cancel_) cancel_->store(true);
}

void SweepView::done(bool cancelled, qlonglong evaluated, QString error, std::vector<std::int64_t> front, double seconds)
{
    running_ = false;
    runButton_->setEnabled(true);
    cancelButton_->setEnabled(false);
    front_ = std::move(front);
    model_->setResults(results_.get());
    if (!error.isEmpty())
        status_->setText(QString("<span style='color:#b00020'>%1</span>").arg(error.toHtmlEscaped()));
    else
        status_->setText(QString("%1 %L2 points in %3 s; Pareto front: %4 points (highlighted)")
                             .arg(cancelled ? "Cancelled after" : "Evaluated")
                             .arg(evaluated)
                             .arg(seconds, 0, 'f', 2)
                             .arg(front_.size()));
    plot();
    Q_EMIT finished(cancelled, evaluated);
}

void SweepView::plot()
{
    auto* chart = new QChart;
    if (results_ && results_->size() > 0) {
        const MetricId mx = parseMetric(x_->currentText().toStdString(), "x");
        const MetricId my = parseMetric(y_->currentText().toStdString(), "y");
        chart->setTitle(QString("%1 against %2 (%L3 points)").arg(y_->currentText(), x_->currentText()).arg(results_->size()));
        auto* all = new QScatterSeries;
        all->setName("designs");
        all->setMarkerSize(5);
        auto* best = new QScatterSeries;
        best->setName("Pareto front");
        best->setMarkerSize(10);
        best->setColor(QColor("#d62728"));
        const size_t n = results_->size(), stride = std::max<size_t>(1, n / 20000);
        auto finite = [](double v) { return std::isfinite(v) && v > 0; };
        double x0 = 1e300, x1 = 0, y0 = 1e300, y1 = 0;
        for (size_t i = 0; i < n; ++i) { // ranges over every point, plotting a sample
            const double x = results_->metric(mx, i), y = results_->metric(my, i);
            if (!finite(x) || !finite(y)) continue;
            x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
            if (i % stride == 0) all->append(x, y);
        }
        const std::int64_t first = n ? results_->index(0) : 0;
        for (std::int64_t idx : front_) {
            const size_t i = size_t(idx - first);
            if (i < n) best->append(results_->metric(mx, i), results_->metric(my, i));
        }
        chart->addSeries(all);
        chart->addSeries(best);
        auto* ax = new QLogValueAxis;
        ax->setTitleText(QString("%1 [%2]").arg(x_->currentText(), metricUnit(mx)));
        ax->setLabelFormat("%g");
        auto* ay = new QLogValueAxis;
        ay->setTitleText(QString("%1 [%2]").arg(y_->currentText(), metricUnit(my)));
        ay->setLabelFormat("%g");
        if (x1 > 0) ax->setRange(x0 / 1.5, x1 * 1.5);
        if (y1 > 0) ay->setRange(y0 / 1.5, y1 * 1.5);
        chart->addAxis(ax, Qt::AlignBottom);
        chart->addAxis(ay, Qt::AlignLeft);
        for (auto* s : {all, best}) {
            s->attachAxis(ax);
            s->attachAxis(ay);
            connect(s, &QScatterSeries::clicked, this, [this, mx, my](const QPointF& p) {
                // The point of the results nearest to the click (in log space) opens as a design.
                size_t bestRow = 0;
                double bestD = 1e300;
                for (size_t i = 0; i < results_->size(); ++i) {
                    const double x = results_->metric(mx, i), y = results_->metric(my, i);
                    if (!(x > 0 && y > 0)) continue;
                    const double d = std::pow(std::log(x / p.x()), 2) + std::pow(std::log(y / p.y()), 2);
                    if (d < bestD) bestD = d, bestRow = i;
                }
                PointGenerator gen(*study_);
                std::array<double, kMaxAxes> params{};
                Q_EMIT openDesign(toJson(gen.at(results_->index(bestRow), params.data())));
            });
        }
    } else {
        chart->setTitle("Run a sweep to see its designs here");
    }
    QChart* old = chart_->chart();
    chart_->setChart(chart);
    delete old;
}

} // namespace llmdse
