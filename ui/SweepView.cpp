#include "ui/SweepView.h"
#include "core/Errors.h"
#include "core/Units.h"
#include "estimators/sweep/SweepRunner.h"
#include "models/DesignJson.h"
#include "ui/ChartAxes.h"
#include "ui/ChartSwap.h"
#include "ui/ErrorBars.h"
#include "ui/FlowLayout.h"
#include "ui/StudyBuilder.h"
#include "ui/SweepScatter.h"
#include "ui/WorkloadPanel.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QCursor>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLegendMarker>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSlider>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTextBlock>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>

namespace llmdse {

namespace {

// Colours that stay apart for readers with the common colour-vision deficiencies (Okabe-Ito).
const char* kPalette[kMaxColours] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"};

QString errorHtml(const QString& text) { return QString("<span style='color:#b00020'>%1</span>").arg(text.toHtmlEscaped()); }

QString axisTitle(MetricId m, const AxisUnit& u) { return QString("%1 (%2)").arg(metricTitle(m), u.name); }

// The scatter's data, with the front's error bars when `barsFrom` (the study) is given.
ScatterData scatterFor(const SweepResults& r, const std::vector<std::int64_t>& front, MetricId mx, MetricId my,
                       const SweepFilter& filter, int colour, const Study* barsFrom)
{
    ScatterData d = scatterData(r, front, mx, my, filter, colour);
    if (barsFrom) d.bars = frontErrorBars(*barsFrom, r, d.front, mx, my);
    return d;
}

} // namespace

SweepView::SweepView(std::function<QJsonObject()> currentDesign, QWidget* parent)
    : QWidget(parent), currentDesign_(std::move(currentDesign)), studyTabs_(new QTabWidget),
      builder_(new StudyBuilder(currentDesign_)), editor_(new QPlainTextEdit), follow_(new QLabel),
      runButton_(new QPushButton("Run sweep")), cancelButton_(new QPushButton("Cancel")), progress_(new QProgressBar),
      status_(new QLabel), x_(new QComboBox), y_(new QComboBox), colour_(new QComboBox),
      errorBars_(new QCheckBox("Error bars")), chart_(new QChartView), chartStack_(new QStackedWidget),
      chartPlaceholder_(new QLabel("Run a sweep to see its designs here: any two metrics against each other, the "
                                   "Pareto front ringed, coloured by a parameter of the study.")),
      filter_(new QLineEdit), generationRow_(new QWidget), generationSlider_(new QSlider(Qt::Horizontal)),
      generationLabel_(new QLabel), table_(new QTableView), model_(new SweepTableModel(this))
{
    generationSlider_->setObjectName("searchGeneration");
    generationSlider_->setToolTip("a search's generation: its front, and the points evaluated up to it");
    generationLabel_->setObjectName("searchGenerationLabel");
    auto* generationLayout = new QHBoxLayout(generationRow_);
    generationLayout->setContentsMargins(0, 0, 0, 0);
    generationLayout->addWidget(new QLabel("generation"));
    generationLayout->addWidget(generationSlider_, 1);
    generationLayout->addWidget(generationLabel_, 2);
    generationRow_->hide();
    editor_->setObjectName("studyEditor");
    editor_->setFont(QFont("monospace"));
    studyTabs_->setObjectName("studyTabs");
    studyTabs_->addTab(builder_, "Builder");
    studyTabs_->addTab(editor_, "JSON (advanced)");
    follow_->setObjectName("studyFollows");
    follow_->setWordWrap(true);
    runButton_->setObjectName("runSweep");
    cancelButton_->setObjectName("cancelSweep");
    cancelButton_->setEnabled(false);
    status_->setObjectName("sweepStatus");
    status_->setWordWrap(true);
    for (QComboBox* c : {x_, y_}) {
        for (int m = 0; m < kMetricCount; ++m) c->addItem(metricTitle(MetricId(m)), metricName(MetricId(m)));
        c->setToolTip("the metric on this axis");
    }
    x_->setCurrentIndex(x_->findData("tpot_s"));
    y_->setCurrentIndex(y_->findData("tokens_per_j"));
    colour_->setObjectName("sweepColour");
    colour_->setToolTip("colour the designs by one of the study's parameters");
    colour_->addItem("one colour", QString());
    errorBars_->setObjectName("sweepErrorBars");
    errorBars_->setToolTip("draw the 90% intervals of the Pareto front's designs (re-estimated from the study)");
    table_->setObjectName("sweepTable");
    table_->setModel(model_);
    table_->setSortingEnabled(true); // SweepTableModel sorts off the UI thread
    filter_->setObjectName("sweepFilter");
    filter_->setPlaceholderText("Filter rows and chart, e.g.  tpot_s < 0.05, hardware = h100-sxm, batch >= 8   (Enter)");
    // A million rows: no per-row header, fixed row heights, column widths from a sample of rows (a
    // dozen: cells of a column are formatted alike, and each sampled cell costs the UI thread ~15 us).
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->horizontalHeader()->setResizeContentsPrecision(12);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    chart_->setRenderHint(QPainter::Antialiasing);
    chart_->setMinimumHeight(260); // the legend (parameter colours, front, open design) whole
    // Until there are results a label stands in for the chart: the first opening of the view then
    // lays out and paints no chart scene (bench_gui's "opening the Sweep view").
    chartPlaceholder_->setObjectName("sweepChartPlaceholder");
    chartPlaceholder_->setAlignment(Qt::AlignCenter);
    chartPlaceholder_->setWordWrap(true);
    chartPlaceholder_->setStyleSheet("color: #555;");
    chartStack_->addWidget(chartPlaceholder_);
    chartStack_->addWidget(chart_);

    // Run, progress and the chart's choices share one row that wraps in a narrow window instead of
    // widening it (the study above and the chart below keep the height).
    auto* axes = new QWidget;
    auto* axesFlow = new FlowLayout(axes);
    progress_->setMinimumWidth(160);
    for (QWidget* w : std::initializer_list<QWidget*>{runButton_, cancelButton_, progress_}) axesFlow->addWidget(w);
    for (auto [label, box] : std::initializer_list<std::pair<const char*, QComboBox*>>{{"x", x_}, {"y", y_}, {"colour", colour_}})
        axesFlow->addWidget(labelledField(label, box));
    axesFlow->addWidget(errorBars_);
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(studyTabs_, 1);
    topLayout->addWidget(follow_);
    topLayout->addWidget(axes);
    topLayout->addWidget(generationRow_);
    topLayout->addWidget(status_);
    auto* split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    split->addWidget(top);
    split->addWidget(chartStack_);
    auto* tableBox = new QWidget;
    auto* tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(filter_);
    tableLayout->addWidget(table_);
    split->addWidget(tableBox);
    tableBox->setMinimumHeight(140);
    // Builder, chart and table each keep a usable height; below that the view scrolls (MainWindow's
    // scroll area) rather than squeezing one of them to a sliver.
    split->setMinimumHeight(780);
    split->setSizes({420, 300, 180});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(runButton_, &QPushButton::clicked, this, &SweepView::run);
    connect(cancelButton_, &QPushButton::clicked, this, &SweepView::cancel);
    connect(x_, &QComboBox::currentIndexChanged, this, &SweepView::plot);
    connect(y_, &QComboBox::currentIndexChanged, this, &SweepView::plot);
    connect(colour_, &QComboBox::currentIndexChanged, this, &SweepView::plot);
    connect(errorBars_, &QCheckBox::toggled, this, &SweepView::plot);
    connect(filter_, &QLineEdit::returnPressed, this, [this] { setFilter(filter_->text()); });
    connect(generationSlider_, &QSlider::valueChanged, this, &SweepView::showGeneration);
    connect(model_, &SweepTableModel::reordered, this, [this](qint64 rows) {
        if (results_) status_->setText(QString("Showing %L1 of %L2 rows").arg(rows).arg(results_->size()));
    });
    connect(model_, &SweepTableModel::filterChanged, this, &SweepView::plot); // the chart shows what the table keeps
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& i) { openRow(model_->resultRow(i.row())); });
    connect(builder_, &StudyBuilder::changed, this, &SweepView::builderChanged);
    connect(builder_, &StudyBuilder::rebuilt, this, [this] {
        follows_ = true;
        updateFollowLabel();
    });
    connect(editor_, &QPlainTextEdit::textChanged, this, &SweepView::jsonEdited);
    connect(studyTabs_, &QTabWidget::currentChanged, this, [this](int tab) {
        if (tab != 0 || !typed_) return;
        // Back to the builder after typing JSON: it shows the study when it can.
        const QJsonDocument doc = QJsonDocument::fromJson(editor_->toPlainText().toUtf8());
        if (doc.isObject() && builder_->setStudy(doc.object())) typed_ = false;
        else status_->setText("The JSON study uses what the builder cannot show (random sampling, or it does not parse); "
                              "it runs as written. Rebuild from panels starts a study the builder shows.");
    });
    updateFollowLabel();
}

QString SweepView::studyText() const { return editor_->toPlainText(); }
QString SweepView::status() const { return status_->text(); }

void SweepView::updateFollowLabel()
{
    follow_->setText(follows_ ? QString("<span style='color:#555'>The study's base is the design in the docks and follows "
                                        "it.</span>")
                              : QString("<b>The study's base is its own</b> (edited as JSON, or opened with a project): it "
                                        "no longer follows the docks. <i>Rebuild from panels</i> in the builder takes the "
                                        "docks' design again."));
}

void SweepView::builderChanged()
{
    if (settingText_) return;
    try {
        const QJsonObject s = builder_->study();
        settingText_ = true;
        editor_->setPlainText(QString::fromUtf8(QJsonDocument(s).toJson(QJsonDocument::Indented)));
        settingText_ = false;
        typed_ = false;
        if (!running_) status_->setText(QString());
    } catch (const std::exception& e) {
        status_->setText(errorHtml("Builder: " + QString::fromUtf8(e.what())));
    }
}

void SweepView::jsonEdited()
{
    if (settingText_) return;
    follows_ = false; // typed by hand: the docks no longer drive the study
    typed_ = true;    // and run() runs it as typed, not the builder's study
    updateFollowLabel();
}

void SweepView::designChanged()
{
    if (follows_ && !editor_->toPlainText().isEmpty()) builder_->rebuildFromPanels();
}

void SweepView::setFilter(const QString& text)
{
    if (filter_->text() != text) filter_->setText(text);
    if (!results_) return;
    try {
        model_->setFilter(parseSweepFilter(text, results_->schema()));
        status_->setText("Filtering ...");
    } catch (const std::exception& e) {
        status_->setText(errorHtml(QString::fromUtf8(e.what())));
    }
}

void SweepView::setColourBy(const QString& field)
{
    const int i = colour_->findData(field);
    if (i >= 0) colour_->setCurrentIndex(i);
}

int SweepView::colourAxis() const
{
    if (!results_) return kColourNone;
    const std::string key = colour_->currentData().toString().toStdString();
    const auto& names = results_->schema().paramNames;
    for (size_t a = 0; a < names.size(); ++a)
        if (names[a] == key) return int(a);
    return kColourNone;
}

void SweepView::restore(const QString& studyText, std::shared_ptr<SweepResults> results, std::vector<std::int64_t> front)
{
    cancel();
    generations_.clear(); // a project keeps a search's points and final front, not its generations
    generationRow_->hide();
    settingText_ = true;
    editor_->setPlainText(studyText);
    settingText_ = false;
    const QJsonDocument doc = QJsonDocument::fromJson(studyText.toUtf8());
    if (doc.isObject()) builder_->setStudy(doc.object());
    follows_ = studyText.isEmpty(); // a saved study keeps its own base
    updateFollowLabel();
    results_ = std::move(results);
    front_ = std::move(front);
    study_.reset();
    if (results_) {
        try {
            const QJsonDocument saved = QJsonDocument::fromJson(QByteArray::fromStdString(results_->schema().studyJson));
            study_ = std::make_shared<Study>(parseStudy(saved.object(), "study"));
        } catch (const std::exception&) {
            study_.reset(); // rows still show; only opening a point needs the study
        }
    }
    model_->setResults(results_);
    status_->setText(results_ ? QString("%L1 saved points; Pareto front: %2 points (highlighted)").arg(results_->size()).arg(front_.size())
                              : QString());
    plot();
}

QImage SweepView::chartImage(QSize size)
{
    if (results_ && shownGeneration_ != plotGeneration_) { // the background binning has not landed yet
        const MetricId mx = MetricId(x_->currentIndex()), my = MetricId(y_->currentIndex());
        showScatter(scatterFor(*results_, front_, mx, my, model_->filter(), colourAxis(),
                               errorBars_->isChecked() ? study_.get() : nullptr),
                    mx, my);
        shownGeneration_ = plotGeneration_;
    }
    if (!pending_.empty()) fillChunks(true);
    return renderChart(chart_, size);
}

size_t SweepView::rowAt(const QPointF& shown, MetricId mx, MetricId my) const
{
    const QPointF p(shown.x() / scaleX_, shown.y() / scaleY_); // back to SI
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
    QJsonObject d = toJson(gen.at(results_->index(row), params.data()));
    d["_estimator"] = study_->estimator.empty() ? QString(WorkloadPanel::kPerClassEstimator)
                                                : QString::fromStdString(study_->estimator);
    Q_EMIT openDesign(d);
}

void SweepView::showEvent(QShowEvent* e)
{
    if (editor_->toPlainText().isEmpty()) proposeStudy(); // first shown: a study around the design in the docks
    QWidget::showEvent(e);
}

void SweepView::proposeStudy()
{
    builder_->propose([](StudyBuilder& b) {
        b.addParameter("batch", StudyBuilder::Spacing::Log, {}, "1", "64", 7);
        b.addParameter("weights", StudyBuilder::Spacing::Values, "fp16, int8:g128, int4:g128");
        b.addParameter("hardware", StudyBuilder::Spacing::Values, "h100-sxm, h200-sxm, a100-80gb, mi300x, l4");
        b.addObjective("tpot_s", false);
        b.addObjective("tokens_per_j", true);
    });
}

void SweepView::setStudy(const QJsonObject& study)
{
    if (!builder_->setStudy(study)) studyTabs_->setCurrentIndex(1);
    settingText_ = true;
    editor_->setPlainText(QString::fromUtf8(QJsonDocument(study).toJson(QJsonDocument::Indented)));
    settingText_ = false;
    typed_ = false;
    follows_ = false;
    updateFollowLabel();
}

void SweepView::showStudyError(const QString& message, int offset)
{
    status_->setText(errorHtml(message));
    if (offset < 0) return;
    studyTabs_->setCurrentIndex(1); // show where
    QTextCursor c = editor_->textCursor();
    c.setPosition(std::min(offset, editor_->document()->characterCount() - 1));
    editor_->setTextCursor(c);
    editor_->setFocus();
}

void SweepView::run()
{
    if (running_) return;
    if (studyTabs_->currentIndex() == 0 && !typed_) builderChanged(); // the builder as shown
    const QString text = editor_->toPlainText();
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &perr);
    if (perr.error != QJsonParseError::NoError) {
        // The parser counts UTF-8 bytes; the editor counts characters: convert, then name line and column.
        const int at = QString::fromUtf8(text.toUtf8().left(perr.offset)).size();
        const QString before = text.left(at);
        const int line = int(before.count('\n')) + 1, column = at - int(before.lastIndexOf('\n'));
        return showStudyError(QString("study: line %1, column %2: %3").arg(line).arg(column).arg(perr.errorString()), at);
    }
    try {
        if (!doc.isObject()) throw InputError("study", "", "the study is not a JSON object");
        study_ = std::make_shared<Study>(parseStudy(doc.object(), "study"));
    } catch (const std::exception& e) {
        return showStudyError(QString::fromUtf8(e.what()));
    }
    running_ = true;
    runButton_->setEnabled(false);
    cancelButton_->setEnabled(true);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    generations_.clear();
    generationRow_->setVisible(bool(study_->search));
    generationSlider_->blockSignals(true);
    generationSlider_->setRange(0, 0);
    generationSlider_->blockSignals(false);
    generationLabel_->clear();
    if (study_->search) {
        // The search's first two objectives on the axes: the front is drawn in them.
        x_->setCurrentIndex(int(study_->objectives[0].metric));
        if (study_->objectives.size() > 1) y_->setCurrentIndex(int(study_->objectives[1].metric));
        status_->setText(QString("Searching %L1 designs of %L2 ...").arg(study_->search->budget).arg(study_->gridSize));
    } else {
        status_->setText(QString("Evaluating %L1 points ...").arg(study_->totalPoints()));
    }
    auto results = std::make_shared<SweepResults>();
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    SweepView* self = this;
    const AsyncGuard::Handle post = guard_.handle(); // not a QPointer check: see AsyncGuard
    (void)QtConcurrent::run([self, post, study = study_, results, cancel = cancel_] {
        SweepOptions opts;
        opts.cancel = cancel.get();
        opts.pareto = !study->objectives.empty();
        opts.background = true; // the window's thread comes first
        QElapsedTimer last;
        last.start();
        opts.progress = [&, post](std::int64_t done, std::int64_t total) {
            if (last.elapsed() < 50 && done < total) return; // at most 20 updates a second
            last.restart();
            post.post([self, done, total] {
                if (self) self->progress_->setValue(int(1000.0 * double(done) / double(std::max<std::int64_t>(total, 1))));
            });
        };
        opts.generation = [self, post](const SearchGeneration& g) {
            post.post([self, g] {
                if (self) self->addGeneration(g);
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

void SweepView::setErrorBars(bool on) { errorBars_->setChecked(on); }

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
    // The colour choices are the study's parameters; hardware when it is one (the usual question).
    const QString colour = colour_->currentData().toString();
    colour_->blockSignals(true);
    colour_->clear();
    colour_->addItem("one colour", QString());
    for (const auto& n : results_->schema().paramNames) colour_->addItem(QString::fromStdString(n), QString::fromStdString(n));
    const int keep = colour_->findData(colour.isEmpty() ? QString("hardware") : colour);
    colour_->setCurrentIndex(keep >= 0 ? keep : 0);
    colour_->blockSignals(false);
    model_->setResults(results_);
    if (!generations_.empty()) {
        generationSlider_->blockSignals(true);
        generationSlider_->setRange(0, int(generations_.size()) - 1);
        generationSlider_->setValue(int(generations_.size()) - 1);
        generationSlider_->blockSignals(false);
        generationLabel_->setText(generationText(generations_.back()));
    }
    std::int64_t infeasible = 0;
    for (size_t i = 0; i < results_->size(); ++i) infeasible += results_->metric(MetricId::Fits, i) == 0;
    if (!error.isEmpty())
        status_->setText(errorHtml(error));
    else
        status_->setText(QString("%1 %L2 points in %3; %L4 do not fit (grey, never on the front); Pareto front: %5 points")
                             .arg(cancelled ? "Cancelled after" : "Evaluated")
                             .arg(evaluated)
                             .arg(QString::fromStdString(formatSeconds(seconds)))
                             .arg(infeasible)
                             .arg(front_.size()));
    plot();
    Q_EMIT finished(cancelled, evaluated);
}

void SweepView::plot()
{
    if (!results_ || results_->size() == 0) {
        auto* chart = new QChart;
        chart->setTitle("Run a sweep to see its designs here");
        openMarker_ = nullptr;
        pending_.clear();
        replaceChart(chart_, chart); // nothing of the old results stays in a report's image
        chartStack_->setCurrentWidget(chartPlaceholder_);
        return;
    }
    // Binning a million points takes tens of milliseconds: off the UI thread; the latest request wins.
    const MetricId mx = MetricId(x_->currentIndex()), my = MetricId(y_->currentIndex());
    const quint64 gen = ++plotGeneration_;
    SweepView* self = this;
    const AsyncGuard::Handle post = guard_.handle(); // not a QPointer check: see AsyncGuard
    std::shared_ptr<const Study> barsFrom = errorBars_->isChecked() ? study_ : nullptr;
    SweepFilter filter = model_->filter();
    if (!generations_.empty() && !running_) {
        // A search: the points evaluated up to the generation shown.
        const auto& names = results_->schema().paramNames;
        const auto at = std::find(names.begin(), names.end(), "generation");
        if (at != names.end()) {
            SweepFilter::Term t;
            t.column = int(at - names.begin());
            t.op = SweepFilter::Term::Le;
            t.value = generationSlider_->value();
            filter.terms.push_back(t);
        }
    }
    (void)QtConcurrent::run([self, post, gen, r = results_, front = front_, mx, my, filter, colour = colourAxis(), barsFrom] {
        auto data = std::make_shared<ScatterData>(scatterFor(*r, front, mx, my, filter, colour, barsFrom.get()));
        post.post([self, gen, r, data, mx, my] {
            if (!self || gen != self->plotGeneration_ || r != self->results_) return; // superseded
            if (self->shownGeneration_ == gen) return; // already drawn synchronously (chartImage)
            self->showScatter(*data, mx, my);
            self->shownGeneration_ = gen;
        });
    });
}

void SweepView::showOpenDesign(const Metrics& m)
{
    MetricRow row;
    extractMetrics(m, row);
    open_ = row;
    placeOpenMarker();
}

void SweepView::placeOpenMarker()
{
    if (!openMarker_ || !open_) return;
    const MetricId mx = MetricId(x_->currentIndex()), my = MetricId(y_->currentIndex());
    const double x = (*open_)[size_t(mx)], y = (*open_)[size_t(my)];
    openMarker_->clear();
    if (std::isfinite(x) && std::isfinite(y) && x > 0 && y > 0) openMarker_->append(x * scaleX_, y * scaleY_);
}

void SweepView::showScatter(const ScatterData& d, MetricId mx, MetricId my)
{
    auto* chart = new QChart;
    const bool filtered = d.kept < results_->size();
    chart->setTitle(QString("%1 against %2: %L3 %4points")
                        .arg(metricTitle(my), metricTitle(mx))
                        .arg(filtered ? qlonglong(d.kept) : qlonglong(results_->size()))
                        .arg(filtered ? QString("of %L1 (filtered) ").arg(results_->size()) : QString()));
    std::vector<std::pair<QScatterSeries*, const ScatterGroup*>> series;
    plotted_.clear();
    pending_.clear(); // chunks of the chart being replaced
    // Axes in the unit that fits (ms, GB ...): points are scaled to it, and scaled back to find their rows.
    const AxisUnit ux = axisUnitFor(metricUnit(mx), d.x1), uy = axisUnitFor(metricUnit(my), d.y1);
    scaleX_ = ux.factor;
    scaleY_ = uy.factor;
    auto add = [&](const ScatterGroup& g, const QColor& colour, qreal size, bool hollow, std::optional<QPen> pen = {}) {
        auto* s = new QScatterSeries;
        s->setName(g.name);
        s->setMarkerSize(size);
        s->setColor(hollow ? QColor(Qt::transparent) : colour);
        s->setBorderColor(hollow ? colour : colour.darker(130));
        if (pen) s->setPen(*pen);
        QList<QPointF> pts;
        pts.reserve(g.points.size());
        for (const QPointF& p : g.points) pts.append({p.x() * ux.factor, p.y() * uy.factor});
        plotted_.insert(plotted_.end(), g.rows.begin(), g.rows.end());
        chart->addSeries(s);
        series.push_back({s, &g});
        // Qt Charts makes a graphics item per marker (~15 us each): a few thousand at once would block
        // the UI thread, so the points go in by chunks, each chunk a series of the same look, over
        // several turns of the event loop (fillChunks).
        for (qsizetype at = 0; at == 0 || at < pts.size(); at += kChunk) {
            QScatterSeries* chunk = s;
            if (at > 0) {
                chunk = new QScatterSeries;
                chunk->setName(s->name());
                chunk->setMarkerSize(s->markerSize());
                chunk->setColor(s->color());
                chunk->setPen(s->pen());
                chart->addSeries(chunk);
                for (QLegendMarker* lm : chart->legend()->markers(chunk)) lm->setVisible(false);
                series.push_back({chunk, &g});
            }
            pending_.push_back({chunk, pts.mid(at, kChunk)});
        }
        return s;
    };
    add(d.infeasible, QColor("#9e9e9e"), 6, true);
    for (size_t i = 0; i < d.groups.size(); ++i)
        if (!d.groups[i].points.isEmpty() || d.groups.size() == 1) add(d.groups[i], QColor(kPalette[i % kMaxColours]), 6, false);
    QPen ring(QColor("#d62728"));
    ring.setWidth(2);
    add(d.front, QColor("#d62728"), 11, true, ring);
    openMarker_ = new QScatterSeries;
    openMarker_->setName("open in the docks");
    openMarker_->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    openMarker_->setMarkerSize(14);
    openMarker_->setColor(Qt::transparent);
    QPen box(Qt::black);
    box.setWidth(2);
    openMarker_->setPen(box);
    chart->addSeries(openMarker_);
    for (const ScatterErrorBar& b : d.bars) {
        auto scaled = [](const std::optional<std::pair<double, double>>& r, double f) {
            return r ? std::optional<std::pair<double, double>>({r->first * f, r->second * f}) : std::nullopt;
        };
        if (QLineSeries* bar = crossErrorBar({b.at.x() * ux.factor, b.at.y() * uy.factor}, scaled(b.x, ux.factor),
                                             scaled(b.y, uy.factor), QColor("#d62728")))
            addErrorBar(chart, bar);
    }
    double x0 = d.x0, x1 = d.x1, y0 = d.y0, y1 = d.y1; // the bars stay inside the axes
    for (const ScatterErrorBar& b : d.bars) {
        if (b.x) x0 = std::min(x0, b.x->first), x1 = std::max(x1, b.x->second);
        if (b.y) y0 = std::min(y0, b.y->first), y1 = std::max(y1, b.y->second);
    }
    if (!d.bars.empty()) chart->setTitle(chart->title() + QString("; error bars: 90% intervals of %1 front designs").arg(d.bars.size()));
    QAbstractAxis* ax = spanAxis(x1 > 0 ? x0 * ux.factor : 1e-3, x1 > 0 ? x1 * ux.factor : 1, axisTitle(mx, ux));
    QAbstractAxis* ay = spanAxis(y1 > 0 ? y0 * uy.factor : 1e-3, y1 > 0 ? y1 * uy.factor : 1, axisTitle(my, uy));
    chart->addAxis(ax, Qt::AlignBottom);
    chart->addAxis(ay, Qt::AlignLeft);
    for (auto* s : chart->series()) {
        s->attachAxis(ax);
        s->attachAxis(ay);
    }
    for (auto [s, g] : series) {
        connect(s, &QScatterSeries::clicked, this, [this, mx, my](const QPointF& p) {
            QToolTip::hideText(); // the view changes: a tooltip left showing would float over the Results
            openRow(rowAt(p, mx, my));
        });
        connect(s, &QScatterSeries::hovered, this, [this, mx, my](const QPointF& p, bool entered) {
            if (!entered) return QToolTip::hideText();
            const size_t r = rowAt(p, mx, my);
            QString tip = QString("point %1").arg(results_->index(r));
            for (size_t a = 0; a < results_->schema().paramNames.size(); ++a)
                tip += QString("\n%1 = %2").arg(QString::fromStdString(results_->schema().paramNames[a]), results_->paramText(a, r));
            tip += QString("\n%1 = %2\n%3 = %4%5\nclick to open in the docks")
                       .arg(metricTitle(mx), QString::fromStdString(formatMetric(mx, results_->metric(mx, r))))
                       .arg(metricTitle(my), QString::fromStdString(formatMetric(my, results_->metric(my, r))))
                       .arg(results_->metric(MetricId::Fits, r) == 0 ? "\ndoes not fit in memory" : "");
            QToolTip::showText(QCursor::pos(), tip, chart_);
        });
    }
    chart->legend()->setAlignment(Qt::AlignRight);
    showChart(chart);
    placeOpenMarker();
    fillChunks();
}

void SweepView::showChart(QChart* chart)
{
    replaceChart(chart_, chart);
    chartStack_->setCurrentWidget(chart_);
}

void SweepView::fillChunks(bool all)
{
    QElapsedTimer spent;
    spent.start();
    while (!pending_.empty() && (all || spent.elapsed() < 8)) { // a few chunks a turn: under half a frame
        auto [series, points] = std::move(pending_.front());
        pending_.pop_front();
        if (series) series->replace(points);
    }
    if (!pending_.empty()) {
        if (!fillQueued_) QTimer::singleShot(0, this, [this] { fillQueued_ = false, fillChunks(); });
        fillQueued_ = true;
        return;
    }
    Q_EMIT plotted();
}

} // namespace llmdse

namespace llmdse {

QString SweepView::generationText(const SearchGeneration& g) const
{
    return QString("generation %1: %L2 evaluated, front %3 points, hypervolume %4")
        .arg(g.generation)
        .arg(g.evaluations)
        .arg(g.front.size())
        .arg(g.hypervolume, 0, 'g', 5);
}

void SweepView::addGeneration(const SearchGeneration& g)
{
    generations_.push_back(g);
    generationSlider_->blockSignals(true);
    generationSlider_->setRange(0, int(generations_.size()) - 1);
    generationSlider_->setValue(int(generations_.size()) - 1);
    generationSlider_->blockSignals(false);
    generationLabel_->setText(generationText(g));
    showLiveFront(g);
    Q_EMIT generationShown(g.generation);
}

// While the search runs its rows are still being written: draw the front alone, in the first
// two objectives as the search ranks them.
void SweepView::showLiveFront(const SearchGeneration& g)
{
    if (!study_ || study_->objectives.empty()) return;
    const Objective ox = study_->objectives[0], oy = study_->objectives.size() > 1 ? study_->objectives[1] : ox;
    const size_t iy = study_->objectives.size() > 1 ? 1 : 0;
    auto* chart = new QChart;
    chart->setTitle(generationText(g));
    chart->legend()->hide();
    auto* front = new QScatterSeries;
    front->setMarkerSize(7);
    front->setColor(QColor("#D55E00"));
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    for (const auto& p : g.front) {
        const double x = ox.maximise ? -p.objectives[0] : p.objectives[0];
        const double y = oy.maximise ? -p.objectives[iy] : p.objectives[iy];
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        front->append(x, y);
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
    chart->addSeries(front);
    chart->createDefaultAxes();
    if (x1 >= x0 && y1 >= y0) {
        const double px = x1 > x0 ? 0.05 * (x1 - x0) : std::max(std::abs(x0) * 0.05, 1e-12);
        const double py = y1 > y0 ? 0.05 * (y1 - y0) : std::max(std::abs(y0) * 0.05, 1e-12);
        chart->axes(Qt::Horizontal).first()->setRange(x0 - px, x1 + px);
        chart->axes(Qt::Vertical).first()->setRange(y0 - py, y1 + py);
    }
    chart->axes(Qt::Horizontal).first()->setTitleText(QString("%1 (%2)").arg(metricTitle(ox.metric), metricUnit(ox.metric)));
    chart->axes(Qt::Vertical).first()->setTitleText(QString("%1 (%2)").arg(metricTitle(oy.metric), metricUnit(oy.metric)));
    openMarker_ = nullptr;
    showChart(chart);
}

void SweepView::showGeneration(int generation)
{
    if (generation < 0 || generation >= int(generations_.size())) return;
    if (generationSlider_->value() != generation) {
        generationSlider_->blockSignals(true);
        generationSlider_->setValue(generation);
        generationSlider_->blockSignals(false);
    }
    const SearchGeneration& g = generations_[size_t(generation)];
    generationLabel_->setText(generationText(g));
    if (running_ || !results_) return showLiveFront(g);
    front_.clear();
    for (const auto& p : g.front) front_.push_back(p.index);
    plot();
    Q_EMIT generationShown(generation);
}

} // namespace llmdse
