#include "ui/SweepView.h"
#include "ui/ChartSwap.h"
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
#include <QCursor>
#include <QLabel>
#include <QLineEdit>
#include <QToolTip>
#include <QLogValueAxis>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>

namespace llmdse {

// What the scatter shows of a sweep: the cloud binned on a log grid, one point per occupied cell
// (its outline and gaps survive while the chart draws a few thousand markers whatever the sweep's
// size; Qt Charts draws each marker as an item, and 20,000 take ~200 ms to paint), the front whole.
struct ScatterData {
    QList<QPointF> cloud, front;
    std::vector<size_t> rows; // result rows of cloud then front points
    double x0 = 1e300, x1 = 0, y0 = 1e300, y1 = 0;
};

namespace {

ScatterData scatterData(const SweepResults& r, const std::vector<std::int64_t>& front, MetricId mx, MetricId my)
{
    ScatterData d;
    const size_t n = r.size();
    auto finite = [](double v) { return std::isfinite(v) && v > 0; };
    for (size_t i = 0; i < n; ++i) {
        const double x = r.metric(mx, i), y = r.metric(my, i);
        if (!finite(x) || !finite(y)) continue;
        d.x0 = std::min(d.x0, x), d.x1 = std::max(d.x1, x), d.y0 = std::min(d.y0, y), d.y1 = std::max(d.y1, y);
    }
    constexpr int kCellsX = 72, kCellsY = 48;
    const double lx0 = std::log(d.x0), ly0 = std::log(d.y0);
    const double sx = d.x1 > d.x0 ? (kCellsX - 1) / (std::log(d.x1) - lx0) : 0;
    const double sy = d.y1 > d.y0 ? (kCellsY - 1) / (std::log(d.y1) - ly0) : 0;
    std::vector<char> taken(size_t(kCellsX) * kCellsY, 0);
    for (size_t i = 0; i < n && d.x1 > 0; ++i) {
        const double x = r.metric(mx, i), y = r.metric(my, i);
        if (!finite(x) || !finite(y)) continue;
        const size_t cell = size_t((std::log(x) - lx0) * sx) * kCellsY + size_t((std::log(y) - ly0) * sy);
        if (taken[cell]) continue;
        taken[cell] = 1;
        d.cloud.append({x, y});
        d.rows.push_back(i);
    }
    const std::int64_t first = n ? r.index(0) : 0;
    for (std::int64_t idx : front) {
        const size_t i = size_t(idx - first);
        if (i < n) {
            d.front.append({r.metric(mx, i), r.metric(my, i)});
            d.rows.push_back(i);
        }
    }
    return d;
}

} // namespace

SweepView::SweepView(std::function<QJsonObject()> currentDesign, QWidget* parent)
    : QWidget(parent), currentDesign_(std::move(currentDesign)), editor_(new QPlainTextEdit),
      runButton_(new QPushButton("Run sweep")), cancelButton_(new QPushButton("Cancel")), progress_(new QProgressBar),
      status_(new QLabel), x_(new QComboBox), y_(new QComboBox), chart_(new QChartView), filter_(new QLineEdit),
      table_(new QTableView),
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
    table_->setObjectName("sweepTable");
    table_->setModel(model_);
    table_->setSortingEnabled(true); // SweepTableModel sorts off the UI thread
    filter_->setObjectName("sweepFilter");
    filter_->setPlaceholderText("Filter rows, e.g.  tpot_s < 0.05, hardware = h100-sxm, batch >= 8   (Enter)");
    // A million rows: no per-row header, fixed row heights, column widths from a sample of rows.
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->horizontalHeader()->setResizeContentsPrecision(64);
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
    auto* tableBox = new QWidget;
    auto* tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(filter_);
    tableLayout->addWidget(table_);
    split->addWidget(tableBox);
    split->setSizes({220, 380, 260});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(runButton_, &QPushButton::clicked, this, &SweepView::run);
    connect(cancelButton_, &QPushButton::clicked, this, &SweepView::cancel);
    connect(x_, &QComboBox::currentTextChanged, this, &SweepView::plot);
    connect(y_, &QComboBox::currentTextChanged, this, &SweepView::plot);
    connect(filter_, &QLineEdit::returnPressed, this, [this] { setFilter(filter_->text()); });
    connect(model_, &SweepTableModel::reordered, this, [this](qint64 rows) {
        if (results_) status_->setText(QString("Showing %L1 of %L2 rows").arg(rows).arg(results_->size()));
    });
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& i) { openRow(model_->resultRow(i.row())); });
}

QString SweepView::studyText() const { return editor_->toPlainText(); }

void SweepView::setFilter(const QString& text)
{
    if (!results_) return;
    try {
        model_->setFilter(parseSweepFilter(text, results_->schema()));
        status_->setText("Filtering ...");
    } catch (const std::exception& e) {
        status_->setText(QString("<span style='color:#b00020'>%1</span>").arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
    }
}

void SweepView::restore(const QString& studyText, std::shared_ptr<SweepResults> results, std::vector<std::int64_t> front)
{
    cancel();
    editor_->setPlainText(studyText);
    results_ = std::move(results);
    front_ = std::move(front);
    study_.reset();
    if (results_) {
        try {
            const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(results_->schema().studyJson));
            study_ = std::make_shared<Study>(parseStudy(doc.object(), "study"));
        } catch (const std::exception&) {
            study_.reset(); // rows still show; only opening a point needs the study
        }
    }
    model_->setResults(results_);
    status_->setText(results_ ? QString("%L1 saved points; Pareto front: %2 points (highlighted)").arg(results_->size()).arg(front_.size())
                              : QString());
    plot();
}

QImage SweepView::chartImage()
{
    if (results_ && shownGeneration_ != plotGeneration_) { // the background binning has not landed yet
        const MetricId mx = parseMetric(x_->currentText().toStdString(), "x");
        const MetricId my = parseMetric(y_->currentText().toStdString(), "y");
        showScatter(scatterData(*results_, front_, mx, my), mx, my);
        shownGeneration_ = plotGeneration_;
    }
    if (!chart_->isVisible()) chart_->resize(1100, 600); // never shown: lay it out at a report's size
    return chart_->grab().toImage();
}

size_t SweepView::rowAt(const QPointF& p, MetricId mx, MetricId my) const
{
    // A plotted point is one of plotted_ exactly; otherwise the nearest in log space.
    for (size_t r : plotted_)
        if (float(results_->metric(mx, r)) == float(p.x()) && float(results_->metric(my, r)) == float(p.y())) return r;
    size_t best = 0;
    double bestD = 1e300;
    for (size_t r : plotted_) {
        const double x = results_->metric(mx, r), y = results_->metric(my, r);
        const double d = std::pow(std::log(x / p.x()), 2) + std::pow(std::log(y / p.y()), 2);
        if (d < bestD) bestD = d, best = r;
    }
    return best;
}

void SweepView::openRow(size_t row)
{
    if (!study_ || !results_ || row >= results_->size()) return;
    PointGenerator gen(*study_);
    std::array<double, kMaxAxes> params{};
    Q_EMIT openDesign(toJson(gen.at(results_->index(row), params.data())));
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
    SweepView* self = this;
    const AsyncGuard::Handle post = guard_.handle(); // not a QPointer check: see AsyncGuard
    (void)QtConcurrent::run([self, post, study = study_, results, cancel = cancel_] {
        SweepOptions opts;
        opts.cancel = cancel.get();
        opts.pareto = !study->objectives.empty();
        QElapsedTimer last;
        last.start();
        opts.progress = [&, post](std::int64_t done, std::int64_t total) {
            if (last.elapsed() < 50 && done < total) return; // at most 20 updates a second
            last.restart();
            post.post([self, done, total] {
                if (self) self->progress_->setValue(int(1000.0 * double(done) / double(std::max<std::int64_t>(total, 1))));
            });
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
        post.post([self, results, s, error, front] {
            if (!self) return;
            self->results_ = results;
            self->done(s.cancelled, s.evaluated, error, front, s.seconds);
        });
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
    model_->setResults(results_);
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
    if (!results_ || results_->size() == 0) {
        auto* chart = new QChart;
        chart->setTitle("Run a sweep to see its designs here");
        replaceChart(chart_, chart);
        return;
    }
    // Binning a million points takes tens of milliseconds: off the UI thread; the latest request wins.
    const MetricId mx = parseMetric(x_->currentText().toStdString(), "x");
    const MetricId my = parseMetric(y_->currentText().toStdString(), "y");
    const quint64 gen = ++plotGeneration_;
    SweepView* self = this;
    const AsyncGuard::Handle post = guard_.handle(); // not a QPointer check: see AsyncGuard
    (void)QtConcurrent::run([self, post, gen, r = results_, front = front_, mx, my] {
        auto data = std::make_shared<ScatterData>(scatterData(*r, front, mx, my));
        post.post([self, gen, r, data, mx, my] {
            if (!self || gen != self->plotGeneration_ || r != self->results_) return; // superseded
            if (self->shownGeneration_ == gen) return; // already drawn synchronously (chartImage)
            self->showScatter(*data, mx, my);
            self->shownGeneration_ = gen;
        });
    });
}

void SweepView::showScatter(const ScatterData& d, MetricId mx, MetricId my)
{
    auto* chart = new QChart;
    chart->setTitle(QString("%1 against %2 (%L3 points; %L4 cells drawn)")
                        .arg(y_->currentText(), x_->currentText())
                        .arg(results_->size())
                        .arg(d.cloud.size()));
    auto* all = new QScatterSeries;
    all->setName("designs");
    all->setMarkerSize(5);
    auto* best = new QScatterSeries;
    best->setName("Pareto front");
    best->setMarkerSize(10);
    best->setColor(QColor("#d62728"));
    all->replace(d.cloud);
    best->replace(d.front);
    plotted_ = d.rows;
    chart->addSeries(all);
    chart->addSeries(best);
    auto* ax = new QLogValueAxis;
    ax->setTitleText(QString("%1 [%2]").arg(metricName(mx), metricUnit(mx)));
    ax->setLabelFormat("%g");
    auto* ay = new QLogValueAxis;
    ay->setTitleText(QString("%1 [%2]").arg(metricName(my), metricUnit(my)));
    ay->setLabelFormat("%g");
    if (d.x1 > 0) ax->setRange(d.x0 / 1.5, d.x1 * 1.5);
    if (d.y1 > 0) ay->setRange(d.y0 / 1.5, d.y1 * 1.5);
    chart->addAxis(ax, Qt::AlignBottom);
    chart->addAxis(ay, Qt::AlignLeft);
    for (auto* s : {all, best}) {
        s->attachAxis(ax);
        s->attachAxis(ay);
        connect(s, &QScatterSeries::clicked, this, [this, mx, my](const QPointF& p) { openRow(rowAt(p, mx, my)); });
        connect(s, &QScatterSeries::hovered, this, [this, mx, my](const QPointF& p, bool entered) {
            if (!entered) return QToolTip::hideText();
            const size_t r = rowAt(p, mx, my);
            QString tip = QString("point %1").arg(results_->index(r));
            for (size_t a = 0; a < results_->schema().paramNames.size(); ++a)
                tip += QString("\n%1 = %2").arg(QString::fromStdString(results_->schema().paramNames[a]), results_->paramText(a, r));
            tip += QString("\n%1 = %2 %3\n%4 = %5 %6\nclick to open")
                       .arg(metricName(mx)).arg(results_->metric(mx, r), 0, 'g', 4).arg(metricUnit(mx))
                       .arg(metricName(my)).arg(results_->metric(my, r), 0, 'g', 4).arg(metricUnit(my));
            QToolTip::showText(QCursor::pos(), tip, chart_);
        });
    }
    replaceChart(chart_, chart);
    Q_EMIT plotted();
}

} // namespace llmdse
