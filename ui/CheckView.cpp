#include "ui/CheckView.h"
#include "core/Errors.h"
#include "core/Units.h"
#include "estimators/measured/CheckPlan.h"
#include "estimators/measured/HostCheck.h"
#include "estimators/measured/LlamaCppCheck.h"
#include "models/ModelZoo.h"
#include "models/gguf/GgufExport.h"
#include "ui/ChartAxes.h"
#include "ui/ChartSwap.h"
#include "ui/FlowLayout.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <memory>

namespace llmdse {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QSpinBox* spinBox(const char* name, int lo, int hi, int value, const char* tip)
{
    auto* s = new QSpinBox;
    s->setObjectName(name);
    s->setRange(lo, hi);
    s->setValue(value);
    s->setToolTip(tip);
    return s;
}

// The dock's format as the reference engine runs it (fp32, int8 or int4; others as fp32) and as GGUF.
QuantFormat engineWeights(const QString& w)
{
    return w.startsWith("int8") ? QuantFormat{Precision::INT8, 128}
           : w.startsWith("int4") ? parseQuantFormat(w.toStdString(), "weights")
                                  : QuantFormat{Precision::FP32, 0};
}

GgmlType ggmlWeights(const QString& w)
{
    return w.startsWith("int8") ? GgmlType::Q8_0 : w.startsWith("int4") ? GgmlType::Q4_0
                                 : w.startsWith("fp32")                  ? GgmlType::F32
                                                                         : GgmlType::F16;
}

constexpr int kChartedOps = 6; // decode operators in the chart, the slowest measured

// Predicted beside measured as horizontal bars: operator names stay whole on the left axis.
QChart* comparisonChart(const QString& title, const QStringList& categories, const std::vector<double>& predicted,
                        const std::vector<double>& measured, const QString& measuredName)
{
    double longest = 0;
    for (double v : predicted) longest = std::max(longest, v);
    for (double v : measured) longest = std::max(longest, v);
    const TimeUnit unit = timeUnitFor(longest);
    auto* p = new QBarSet("predicted");
    auto* m = new QBarSet(measuredName);
    for (double v : predicted) *p << v * unit.perSecond;
    for (double v : measured) *m << v * unit.perSecond;
    auto* series = new QHorizontalBarSeries;
    series->append(p);
    series->append(m);
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->addSeries(series);
    auto* y = new QBarCategoryAxis;
    y->append(categories);
    QValueAxis* x = timeAxis(longest, "time", nullptr, 5);
    chart->addAxis(y, Qt::AlignLeft);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(y);
    series->attachAxis(x);
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

} // namespace

CheckView::CheckView(std::function<QJsonObject()> currentDesign, QWidget* parent)
    : QWidget(parent), currentDesign_(std::move(currentDesign)), runButton_(new QPushButton("Run on this computer")),
      cancelButton_(new QPushButton("Cancel")), engine_(new QComboBox),
      batch_(spinBox("checkBatch", 1, 64, 1, "sequences run together on this CPU (not the Workload dock's batch)")),
      prompt_(spinBox("checkPrompt", 1, 4096, 64, "prompt tokens per sequence")),
      output_(spinBox("checkOutput", 2, 256, 8, "generated tokens per sequence (decode is measured over all but the first)")),
      repeat_(spinBox("checkRepeat", 1, 9, 3, "timed runs after one warm-up; medians are reported")),
      expect_(new QLabel), status_(new QLabel), model_(new QStandardItemModel(this)), table_(new QTableView),
      chart_(new QChartView)
{
    engine_->setObjectName("checkEngine");
    engine_->addItem("reference engine", "reference-engine");
    engine_->addItem("llama.cpp", "llama.cpp");
    engine_->setToolTip("The engine measured: llmdse's own reference engine (per operator), or llama.cpp's libraries\n"
                        "(scripts/setup.sh --with-llamacpp) running the same weights exported to GGUF (per phase).");
    runButton_->setObjectName("runCheck");
    cancelButton_->setObjectName("cancelCheck");
    cancelButton_->setEnabled(false);
    expect_->setObjectName("checkExpectation");
    expect_->setWordWrap(true);
    status_->setObjectName("checkStatus");
    status_->setWordWrap(true);
    status_->setText("Runs the model chosen in the Model dock with synthetic weights (weights format from the "
                     "Workload dock: fp32, int8 or int4; others run as fp32) on this CPU, and compares it with the "
                     "analytical estimate for the `host` preset.");
    table_->setModel(model_);
    table_->setObjectName("checkTable");
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    chart_->setRenderHint(QPainter::Antialiasing);
    chart_->setMinimumHeight(300); // six bar pairs with their names beside the title, axis and legend
    auto* form = new QWidget; // wraps in a narrow window instead of widening it
    auto* flow = new FlowLayout(form);
    for (auto [label, w] : std::initializer_list<std::pair<const char*, QWidget*>>{
             {"engine", engine_}, {"batch", batch_}, {"prompt", prompt_}, {"output", output_}, {"runs", repeat_}})
        flow->addWidget(labelledField(label, w));
    flow->addWidget(runButton_);
    flow->addWidget(cancelButton_);
    auto* split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    split->addWidget(chart_);
    split->addWidget(table_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(form);
    layout->addWidget(expect_);
    layout->addWidget(status_);
    layout->addWidget(split, 1);
    connect(runButton_, &QPushButton::clicked, this, &CheckView::run);
    connect(cancelButton_, &QPushButton::clicked, this, &CheckView::cancel);
    for (QSpinBox* s : {batch_, prompt_, output_, repeat_}) connect(s, &QSpinBox::valueChanged, this, &CheckView::refresh);
    connect(engine_, &QComboBox::currentIndexChanged, this, &CheckView::refresh);
}

CheckView::~CheckView() { cancel(); } // a run still going stops at its next step; it posts nothing here (AsyncGuard)

int CheckView::rows() const { return model_->rowCount(); }
QString CheckView::expectation() const { return expect_->text(); }
QString CheckView::statusText() const { return status_->text(); }

void CheckView::showEvent(QShowEvent* e)
{
    refresh();
    QWidget::showEvent(e);
}

bool CheckView::plan(CheckPlan& p, QString& model)
{
    const QJsonObject d = currentDesign_();
    model = d["model"].toString();
    try {
        const ModelSpec spec = resolveModel(model.toStdString());
        model = q(spec.id);
        const bool llama = engine_->currentData().toString() == "llama.cpp";
        CheckRequestShape shape{batch_->value(), prompt_->value(), output_->value(), repeat_->value(),
                                engineWeights(d["weights"].toString()), ggmlWeights(d["weights"].toString())};
        p = planCheck(spec, llama ? CheckEngine::LlamaCpp : CheckEngine::Reference, shape);
        return true;
    } catch (const std::exception& e) {
        expect_->setText("<span style='color:#b00020'>Cannot plan a check of " + model.toHtmlEscaped() + ": " +
                         QString::fromUtf8(e.what()).toHtmlEscaped() + "</span>");
        return false;
    }
}

void CheckView::refresh()
{
    if (running_ || !isVisible()) return; // planned again when shown
    CheckPlan p;
    QString model;
    if (!plan(p, model)) {
        runButton_->setEnabled(false);
        return;
    }
    QString text = QString("<b>%1</b>: needs about <b>%2</b> of RAM (%3 available now)")
                       .arg(model.toHtmlEscaped(), q(formatBytes(p.ramBytes)), q(formatBytes(p.availableBytes)));
    text += p.expectedS >= 0 ? QString("; the warm-up and %1 run(s) should take about <b>%2</b> plus the host's re-measurement before each.")
                                   .arg(repeat_->value())
                                   .arg(q(formatSeconds(p.expectedS)))
                             : QString("; the first run measures this computer first, then its time is predicted.");
    if (!p.refusal.empty())
        text = "<span style='color:#b00020'><b>Cannot run here:</b> " + q(p.refusal).toHtmlEscaped() +
               ". Choose a smaller model in the Model dock.</span>";
    expect_->setText(text);
    runButton_->setEnabled(p.refusal.empty());
}

void CheckView::started(const QString& what)
{
    running_ = true;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    runButton_->setEnabled(false);
    cancelButton_->setEnabled(true);
    status_->setText(what);
}

void CheckView::ended(const QString& error)
{
    running_ = false;
    cancelButton_->setEnabled(false);
    runButton_->setEnabled(true);
    const bool cancelled = cancel_ && cancel_->load();
    if (cancelled) status_->setText("Cancelled.");
    else if (!error.isEmpty()) status_->setText("<span style='color:#b00020'>Cannot run: " + error.toHtmlEscaped() + "</span>");
    refresh();
    Q_EMIT finished(error.isEmpty() && !cancelled);
}

void CheckView::cancel()
{
    if (cancel_) cancel_->store(true);
    if (running_) status_->setText("Cancelling after the current step ...");
}

void CheckView::run()
{
    if (running_) return;
    CheckPlan p;
    QString model;
    if (!plan(p, model) || !p.refusal.empty()) { // refused before allocating anything
        if (!p.refusal.empty())
            status_->setText("<span style='color:#b00020'>Cannot run: " + q(p.refusal).toHtmlEscaped() + "</span>");
        runButton_->setEnabled(false);
        Q_EMIT finished(false);
        return;
    }
    const QJsonObject d = currentDesign_();
    if (engine_->currentData().toString() == "llama.cpp") return runLlamaCpp(d);
    HostCheckRequest req;
    req.batch = batch_->value();
    req.prompt = prompt_->value();
    req.output = output_->value();
    req.repeat = repeat_->value();
    req.weights = engineWeights(d["weights"].toString());
    const std::string modelId = d["model"].toString().toStdString();
    started(QString("Running %1 (%2, batch %3) on this computer ...")
                .arg(model, q(toString(req.weights)))
                .arg(req.batch));
    req.cancel = cancel_.get();
    CheckView* self = this;
    const AsyncGuard::Handle post = guard_.handle(); // not a QPointer check: see AsyncGuard
    (void)QtConcurrent::run([self, post, req, modelId, cancel = cancel_] {
        auto result = std::make_shared<HostCheckResult>();
        QString error;
        try {
            *result = runHostCheck(syntheticWeights(resolveModel(modelId)), req, [self, post](int run, int of) {
                post.post([self, run, of] {
                    if (self && self->running_ && !self->cancel_->load())
                        self->status_->setText(run == 0 ? QString("Warm-up run, host measured first ...")
                                                         : QString("Run %1 of %2, host re-measured first ...").arg(run).arg(of));
                });
            });
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        post.post([self, result, error] {
            if (!self) return;
            if (error.isEmpty() && !self->cancel_->load()) self->show(*result);
            self->ended(error);
        });
    });
}

void CheckView::runLlamaCpp(const QJsonObject& d)
{
    LlamaCppCheckRequest req;
    req.weights = ggmlWeights(d["weights"].toString());
    req.prompt = prompt_->value();
    req.output = output_->value();
    req.repeat = repeat_->value();
    if (batch_->value() != 1) status_->setText("llama.cpp runs one sequence; the batch field applies to the reference engine.");
    const std::string modelId = d["model"].toString().toStdString();
    started(QString("Exporting %1 as %2 and running it with llama.cpp ...").arg(QString::fromStdString(modelId), toString(req.weights)));
    CheckView* self = this;
    const AsyncGuard::Handle post = guard_.handle();
    (void)QtConcurrent::run([self, post, req, modelId, cancel = cancel_] {
        auto result = std::make_shared<LlamaCppCheckResult>();
        QString error;
        try {
            ModelSource source;
            source.spec = resolveModel(modelId);
            *result = runLlamaCppCheck(source, req, [self, post, cancel](int run, int of) {
                // llama.cpp's runs are whole calls into the library: a cancel takes effect between them.
                if (cancel->load()) throw InputError("", "cancel", "the check was cancelled");
                post.post([self, run, of] {
                    if (self && self->running_) self->status_->setText(QString("llama.cpp run %1 of %2, host re-measured first ...").arg(run).arg(of));
                });
            });
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        post.post([self, result, error] {
            if (!self) return;
            if (error.isEmpty() && !self->cancel_->load()) self->show(*result);
            self->ended(error);
        });
    });
}

void CheckView::show(const LlamaCppCheckResult& r)
{
    status_->setText(QString("<b>%1</b> run by llama.cpp %2 (%3 threads) on %4: prefill predicted %5, measured %6 (<b>%7%</b>); "
                             "decode step predicted %8, measured %9 (<b>%10%</b>); medians of %11 runs.<br>"
                             "<span style='color:#555'>%12</span>")
                         .arg(q(r.model), q(r.library.version))
                         .arg(r.threads)
                         .arg(q(r.hardwareName), q(formatSeconds(r.prefillPredictedS)), q(formatSeconds(r.prefillMeasuredS)))
                         .arg(r.prefillErrorPercent, 0, 'f', 1)
                         .arg(q(formatSeconds(r.decodePredictedS)), q(formatSeconds(r.decodeMeasuredS)))
                         .arg(r.decodeErrorPercent, 0, 'f', 1)
                         .arg(r.runs.size())
                         .arg(q(r.runtimeProvenance).toHtmlEscaped()));
    model_->clear();
    model_->setHorizontalHeaderLabels({"run", "prefill predicted", "measured", "error", "decode step predicted", "measured", "error"});
    for (size_t i = 0; i < r.runs.size(); ++i) {
        const auto& x = r.runs[i];
        model_->appendRow({new QStandardItem(QString::number(i + 1)), new QStandardItem(q(formatSeconds(x.prefillPredictedS))),
                           new QStandardItem(q(formatSeconds(x.prefillMeasuredS))),
                           new QStandardItem(QString::number(100.0 * (x.prefillPredictedS / x.prefillMeasuredS - 1), 'f', 1) + " %"),
                           new QStandardItem(q(formatSeconds(x.decodePredictedS))), new QStandardItem(q(formatSeconds(x.decodeMeasuredS))),
                           new QStandardItem(QString::number(100.0 * (x.decodePredictedS / x.decodeMeasuredS - 1), 'f', 1) + " %")});
    }
    replaceChart(chart_, comparisonChart("llama.cpp on this computer: predicted and measured", {"prefill", "decode step"},
                                         {r.prefillPredictedS, r.decodePredictedS}, {r.prefillMeasuredS, r.decodeMeasuredS},
                                         "measured (llama.cpp)"));
}

void CheckView::show(const HostCheckResult& r)
{
    status_->setText(QString("<b>%1</b> on %2: prefill predicted %3, measured %4 (<b>%5%</b>); decode step predicted %6, "
                             "measured %7 (<b>%8%</b>); medians of %9 runs, each predicted from the host measured just "
                             "before it.<br><span style='color:#555'>%10</span>")
                         .arg(q(r.model), q(r.hardwareName), q(formatSeconds(r.prefillPredictedS)),
                              q(formatSeconds(r.prefillMeasuredS)))
                         .arg(r.prefillErrorPercent, 0, 'f', 1)
                         .arg(q(formatSeconds(r.decodePredictedS)), q(formatSeconds(r.decodeMeasuredS)))
                         .arg(r.decodeErrorPercent, 0, 'f', 1)
                         .arg(r.runs.size())
                         .arg(q(r.profileProvenance).toHtmlEscaped()));
    model_->clear();
    model_->setHorizontalHeaderLabels({"phase", "operator", "predicted", "measured", "error", "FLOPs counted"});
    std::vector<const HostCheckOp*> decode;
    for (const auto& o : r.ops) {
        const double err = o.measuredS > 0 ? 100.0 * (o.predictedS / o.measuredS - 1.0) : 0.0;
        model_->appendRow({new QStandardItem(q(o.phase)), new QStandardItem(q(o.op)),
                           new QStandardItem(q(formatSeconds(o.predictedS))), new QStandardItem(q(formatSeconds(o.measuredS))),
                           new QStandardItem(QString::number(err, 'f', 1) + " %"),
                           new QStandardItem(q(formatSi(o.measuredFlops, "FLOP")))});
        if (o.phase == "decode" && o.measuredS > 0) decode.push_back(&o);
    }
    // The slowest few only: a bar pair per operator stays readable in a chart a third of the view high;
    // the table lists them all.
    std::stable_sort(decode.begin(), decode.end(), [](auto* a, auto* b) { return a->measuredS > b->measuredS; });
    if (decode.size() > size_t(kChartedOps)) decode.resize(kChartedOps);
    std::reverse(decode.begin(), decode.end()); // the slowest at the top of the horizontal bars
    QStringList ops;
    std::vector<double> predicted, measured;
    for (const auto* o : decode) {
        ops << q(o->op);
        predicted.push_back(o->predictedS);
        measured.push_back(o->measuredS);
    }
    replaceChart(chart_, comparisonChart(QString("The %1 slowest operators of a decode step, all layers: predicted and measured "
                                                 "(every operator in the table)").arg(ops.size()),
                                         ops, predicted, measured, "measured"));
}

} // namespace llmdse
