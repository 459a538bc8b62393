#include "ui/FpgaPlanView.h"
#include "core/Errors.h"
#include "core/TextTable.h"
#include "core/Units.h"
#include "estimators/fpga/FpgaPlanner.h"
#include "models/DesignJson.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace llmdse {

namespace {

const QStringList kColumns = {"stage", "items/token", "parallelism", "ports", "DSP", "BRAM", "URAM", "LUT", "II cycles", "bound"};
constexpr int kFirstBar = 4;

QString q(const std::string& s) { return QString::fromStdString(s); }

QProgressBar* bar(double used, double budget)
{
    auto* b = new QProgressBar;
    b->setRange(0, 1000);
    const double share = budget > 0 ? used / budget : 0;
    b->setValue(int(std::lround(std::min(1.0, share) * 1000)));
    b->setFormat(QString::fromStdString(fmt(100 * share, 3)) + "%");
    b->setToolTip(QString("%1 of %2").arg(used, 0, 'f', 0).arg(budget, 0, 'f', 0));
    return b;
}

} // namespace

FpgaPlanView::FpgaPlanView(std::function<QJsonObject()> currentDesign, QWidget* parent)
    : QWidget(parent), currentDesign_(std::move(currentDesign))
{
    style_ = new QComboBox;
    style_->setObjectName("fpgaStyle");
    style_->addItem("overlay (one engine, FlightLLM-style)", "overlay");
    style_->addItem("dataflow (one stage per operator group)", "dataflow");
    auto* run = new QPushButton("Compile");
    run->setObjectName("fpgaCompile");
    status_ = new QLabel;
    status_->setWordWrap(true);
    table_ = new QTableWidget(0, int(kColumns.size()));
    table_->setObjectName("fpgaStages");
    table_->setHorizontalHeaderLabels(kColumns);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    // Text columns as wide as their contents, the resource bars share the rest: no sideways scrolling at 1280x800.
    for (int c = 0; c < int(kColumns.size()); ++c)
        table_->horizontalHeader()->setSectionResizeMode(
            c, c >= kFirstBar && c < kFirstBar + 4 ? QHeaderView::Stretch : QHeaderView::ResizeToContents);
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel("Style"));
    top->addWidget(style_);
    top->addWidget(run);
    top->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(status_);
    layout->addWidget(table_, 1);
    layout->addWidget(summary_);
    connect(run, &QPushButton::clicked, this, &FpgaPlanView::compile);
    connect(style_, &QComboBox::currentIndexChanged, this, &FpgaPlanView::compile);
}

void FpgaPlanView::showEvent(QShowEvent* e)
{
    QWidget::showEvent(e);
    compile();
}

void FpgaPlanView::compile()
{
    try {
        const Design d = designFromJson(currentDesign_());
        const FpgaCompileRequest r = fpgaRequest(d);
        showPlan(compileFpga(d.hardware, r, parseFpgaStyle(style_->currentData().toString().toStdString(), "style")));
    } catch (const InputError& e) {
        table_->setRowCount(0);
        summary_->clear();
        status_->setText("No plan: " + QString::fromUtf8(e.what()));
    }
}

void FpgaPlanView::showPlan(const FpgaPlan& p)
{
    table_->setRowCount(int(p.stages.size()));
    for (int i = 0; i < int(p.stages.size()); ++i) {
        const FpgaStage& s = p.stages[size_t(i)];
        const QStringList cells = {q(s.work.name), QString::number(s.work.perToken), QString::number(s.lanes),
                                   QString::number(s.channels), "", "", "", "", q(fmt(s.iiCycles, 5)), q(s.bound())};
        for (int c = 0; c < int(cells.size()); ++c)
            if (!cells[c].isEmpty()) table_->setItem(i, c, new QTableWidgetItem(cells[c]));
        table_->item(i, 0)->setToolTip(q(s.work.ops));
        table_->setCellWidget(i, kFirstBar, bar(s.resources.dsp, p.budget.dsp));
        table_->setCellWidget(i, kFirstBar + 1, bar(s.resources.bram36, p.budget.bram36));
        table_->setCellWidget(i, kFirstBar + 2, bar(s.resources.uram, p.budget.uram));
        table_->setCellWidget(i, kFirstBar + 3, bar(s.resources.lut, p.budget.lut));
    }
    status_->setText(QString("%1 on %2 (%3), %4 weights, %5 MHz")
                         .arg(q(p.model), q(p.hardware), q(p.partName), q(p.weights), q(fmt(p.clockGhz * 1e3, 4))));
    summary_->setText(QString("Decode %1 (step %2) · prefill %3 · power %4 (%5 static) · utilisation %6 (%7)%8")
                          .arg(q(formatSi(p.decodeTokensPerS, "tokens/s")), q(formatSeconds(p.decodeStepS)),
                               q(formatSi(p.prefillTokensPerS, "tokens/s")), q(formatSi(p.powerW, "W")),
                               q(formatSi(p.staticW, "W")), q(fmt(100 * p.utilisation(), 3)) + "%", q(p.limiting()),
                               p.style == FpgaStyle::Dataflow
                                   ? q(" · pipeline II " + fmt(p.pipelineIiCycles, 5) + " cycles per token")
                                   : QString()));
}

int FpgaPlanView::rows() const { return table_->rowCount(); }

QString FpgaPlanView::statusText() const { return status_->text(); }

} // namespace llmdse
