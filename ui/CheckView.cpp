#include "ui/CheckView.h"
#include "estimators/measured/LlamaCppCheck.h"
#include "models/gguf/GgufExport.h"
#include "ui/ChartSwap.h"
#include "core/Units.h"
#include "estimators/measured/HostCheck.h"
#include "models/ModelZoo.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLogValueAxis>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <QComboBox>
#include <memory>

namespace llmdse {

CheckView::CheckView(std::function<QJsonObject()> currentDesign, QWidget* parent)
    : QWidget(parent), currentDesign_(std::move(currentDesign)), runButton_(new QPushButton("Run on this computer")),
      prompt_(new QSpinBox), output_(new QSpinBox), repeat_(new QSpinBox), status_(new QLabel),
      model_(new QStandardItemModel(this)), table_(new QTableView), chart_(new QChartView)
{
    engine_ = new QComboBox;
    engine_->setObjectName("checkEngine");
    engine_->addItem("reference engine", "reference-engine");
    engine_->addItem("llama.cpp", "llama.cpp");
    engine_->setToolTip("The engine measured: llmdse's own reference engine (per operator), or llama.cpp's libraries\n"
                        "(scripts/setup.sh --with-llamacpp) running the same weights exported to GGUF (per phase).");
    runButton_->setObjectName("runCheck");
    prompt_->setRange(1, 4096);
    prompt_->setValue(64);
    output_->setRange(2, 256);
    output_->setValue(8);
    repeat_->setObjectName("checkRepeat");
    repeat_->setRange(1, 9);
    repeat_->setValue(3);
    status_->setWordWrap(true);
    status_->setText("Runs the model chosen in the Model dock with synthetic weights (weights format from the "
                     "Workload dock: fp32, int8 or int4; others run as fp32) on this CPU, and compares every operator "
                     "with the analytical estimate for the `host` preset. Models up to ~1.5B parameters take seconds.");
    table_->setModel(model_);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    chart_->setRenderHint(QPainter::Antialiasing);
    auto* form = new QHBoxLayout;
    form->addWidget(new QLabel("engine"));
    form->addWidget(engine_);
    form->addWidget(new QLabel("prompt"));
    form->addWidget(prompt_);
    form->addWidget(new QLabel("output"));
    form->addWidget(output_);
    form->addWidget(new QLabel("runs"));
    form->addWidget(repeat_);
    form->addStretch();
    form->addWidget(runButton_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(status_);
    layout->addWidget(chart_, 1);
    layout->addWidget(table_, 1);
    connect(runButton_, &QPushButton::clicked, this, &CheckView::run);
}

int CheckView::rows() const { return model_->rowCount(); }

void CheckView::run()
{
    if (running_) return;
    const QJsonObject d = currentDesign_();
    if (engine_->currentData().toString() == "llama.cpp") return runLlamaCpp(d);
    HostCheckRequest req;
    req.batch = std::max(1, d["batch"].toInt(1));
    req.prompt = prompt_->value();
    req.output = output_->value();
    req.repeat = repeat_->value();
    const QString w = d["weights"].toString();
    req.weights = w.startsWith("int8") ? QuantFormat{Precision::INT8, 128}
                  : w.startsWith("int4") ? parseQuantFormat(w.toStdString(), "weights")
                                          : QuantFormat{Precision::FP32, 0};
    const std::string modelId = d["model"].toString().toStdString();
    running_ = true;
    runButton_->setEnabled(false);
    status_->setText(QString("Running %1 (%2) on this computer ...").arg(QString::fromStdString(modelId),
                                                                         QString::fromStdString(toString(req.weights))));
    CheckView* self = this;
    const AsyncGuard::Handle post = guard_.handle(); // not a QPointer check: see AsyncGuard
    (void)QtConcurrent::run([self, post, req, modelId] {
        auto result = std::make_shared<HostCheckResult>();
        QString error;
        try {
            *result = runHostCheck(syntheticWeights(resolveModel(modelId)), req, [self, post](int run, int of) {
                post.post([self, run, of] {
                    if (self) self->status_->setText(QString("Run %1 of %2 (after a warm-up), host re-measured first ...").arg(run).arg(of));
                });
            });
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        post.post([self, result, error] {
            if (!self) return;
            self->running_ = false;
            self->runButton_->setEnabled(true);
            if (!error.isEmpty()) self->status_->setText("<span style='color:#b00020'>Cannot run: " + error.toHtmlEscaped() + "</span>");
            else self->show(*result);
            Q_EMIT self->finished(error.isEmpty());
        });
    });
}

void CheckView::runLlamaCpp(const QJsonObject& d)
{
    // The dock's format as the nearest GGUF one: 8- and 4-bit integers as Q8_0 / Q4_0, 16-bit floats as F16.
    const QString w = d["weights"].toString();
    const GgmlType type = w.startsWith("int8") ? GgmlType::Q8_0 : w.startsWith("int4") ? GgmlType::Q4_0
                          : w.startsWith("fp32")                          ? GgmlType::F32
                                                                           : GgmlType::F16;
    LlamaCppCheckRequest req;
    req.weights = type;
    req.prompt = prompt_->value();
    req.output = output_->value();
    req.repeat = repeat_->value();
    const std::string modelId = d["model"].toString().toStdString();
    running_ = true;
    runButton_->setEnabled(false);
    status_->setText(QString("Exporting %1 as %2 and running it with llama.cpp ...").arg(QString::fromStdString(modelId), toString(type)));
    CheckView* self = this;
    const AsyncGuard::Handle post = guard_.handle();
    (void)QtConcurrent::run([self, post, req, modelId] {
        auto result = std::make_shared<LlamaCppCheckResult>();
        QString error;
        try {
            ModelSource source;
            source.spec = resolveModel(modelId);
            *result = runLlamaCppCheck(source, req, [self, post](int run, int of) {
                post.post([self, run, of] {
                    if (self) self->status_->setText(QString("llama.cpp run %1 of %2, host re-measured first ...").arg(run).arg(of));
                });
            });
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        post.post([self, result, error] {
            if (!self) return;
            self->running_ = false;
            self->runButton_->setEnabled(true);
            if (!error.isEmpty()) self->status_->setText("<span style='color:#b00020'>Cannot run: " + error.toHtmlEscaped() + "</span>");
            else self->show(*result);
            Q_EMIT self->finished(error.isEmpty());
        });
    });
}

void CheckView::show(const LlamaCppCheckResult& r)
{
    auto q = [](const std::string& s) { return QString::fromStdString(s); };
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
                           new QStandardItem(QString::number(100.0 * (x.prefillPredictedS / x.prefillMeasuredS - 1), 'f', 1) + "%"),
                           new QStandardItem(q(formatSeconds(x.decodePredictedS))), new QStandardItem(q(formatSeconds(x.decodeMeasuredS))),
                           new QStandardItem(QString::number(100.0 * (x.decodePredictedS / x.decodeMeasuredS - 1), 'f', 1) + "%")});
    }
    auto* predicted = new QBarSet("predicted");
    auto* measured = new QBarSet("measured (llama.cpp)");
    *predicted << r.prefillPredictedS * 1e3 << r.decodePredictedS * 1e3;
    *measured << r.prefillMeasuredS * 1e3 << r.decodeMeasuredS * 1e3;
    auto* chart = new QChart;
    chart->setTitle("llama.cpp on this computer: prefill and decode step (ms), predicted vs measured");
    auto* series = new QBarSeries;
    series->append(predicted);
    series->append(measured);
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append({"prefill", "decode step"});
    auto* y = new QLogValueAxis;
    y->setLabelFormat("%g");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    replaceChart(chart_, chart);
}

void CheckView::show(const HostCheckResult& r)
{
    auto q = [](const std::string& s) { return QString::fromStdString(s); };
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
    model_->setHorizontalHeaderLabels({"phase", "op", "predicted", "measured", "error", "FLOPs counted"});
    auto* predicted = new QBarSet("predicted");
    auto* measured = new QBarSet("measured");
    QStringList ops;
    for (const auto& o : r.ops) {
        const double err = o.measuredS > 0 ? 100.0 * (o.predictedS / o.measuredS - 1.0) : 0.0;
        model_->appendRow({new QStandardItem(q(o.phase)), new QStandardItem(q(o.op)),
                           new QStandardItem(q(formatSeconds(o.predictedS))), new QStandardItem(q(formatSeconds(o.measuredS))),
                           new QStandardItem(QString::number(err, 'f', 1) + "%"),
                           new QStandardItem(q(formatSi(o.measuredFlops, "")))});
        if (o.phase == "decode" && o.measuredS > 0) {
            ops << q(o.op);
            *predicted << o.predictedS * 1e6;
            *measured << o.measuredS * 1e6;
        }
    }
    auto* chart = new QChart;
    chart->setTitle("Decode step per operator, all layers (us): predicted vs measured on this computer");
    auto* series = new QBarSeries;
    series->append(predicted);
    series->append(measured);
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(ops);
    x->setLabelsAngle(-45);
    auto* y = new QLogValueAxis;
    y->setLabelFormat("%g");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    replaceChart(chart_, chart);
}

} // namespace llmdse
