#include "ui/ResultsView.h"
#include "ui/ChartSwap.h"
#include "core/Units.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QHorizontalStackedBarSeries>
#include <QLabel>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QProgressBar>
#include <QCursor>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace llmdse {

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
} // namespace

ResultsView::ResultsView(QWidget* parent)
    : QWidget(parent), breakdown_(new QChartView), roofline_(new QChartView), memory_(new QProgressBar),
      provenance_(new QLabel), error_(new QLabel), notes_(new QLabel)
{
    auto* grid = new QGridLayout;
    const std::pair<const char*, const char*> cards[] = {
        {"ttft", "Time to first token"}, {"tpot", "Time per output token"}, {"tps", "Decode throughput"},
        {"tpj", "Tokens per joule"},     {"power", "Average power"},        {"area", "Area"}};
    int i = 0;
    for (auto [key, title] : cards) {
        addCard(key, title);
        grid->addWidget(cards_[key]->parentWidget(), 0, i++);
    }
    for (QChartView* v : {breakdown_, roofline_}) {
        v->setRenderHint(QPainter::Antialiasing);
        v->setMinimumHeight(260);
    }
    memory_->setObjectName("memoryBar");
    memory_->setTextVisible(true);
    error_->setStyleSheet("color: #b00020; font-weight: bold;");
    error_->setWordWrap(true);
    error_->hide();
    notes_->setObjectName("optimizationNotes");
    notes_->setWordWrap(true);
    notes_->hide();
    provenance_->setWordWrap(true);
    provenance_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    provenance_->setStyleSheet("color: #555;");
    auto* charts = new QGridLayout;
    charts->addWidget(breakdown_, 0, 0);
    charts->addWidget(roofline_, 0, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(error_);
    layout->addWidget(notes_);
    layout->addLayout(grid);
    layout->addWidget(new QLabel("Memory per device"));
    layout->addWidget(memory_);
    layout->addLayout(charts, 1);
    layout->addWidget(provenance_);
}

void ResultsView::addCard(const QString& key, const QString& title)
{
    auto* frame = new QWidget;
    frame->setObjectName("card_" + key);
    frame->setStyleSheet("#card_" + key + " { background: #f4f6fa; border: 1px solid #d5dae3; border-radius: 6px; }");
    auto* t = new QLabel(title);
    t->setStyleSheet("color: #555;");
    auto* v = new QLabel("-");
    v->setStyleSheet("font-size: 18pt; font-weight: 600;");
    auto* l = new QVBoxLayout(frame);
    l->addWidget(t);
    l->addWidget(v);
    cards_[key] = v;
}

void ResultsView::setCard(const QString& key, const QString& value, const QString& tip)
{
    cards_[key]->setText(value);
    cards_[key]->setToolTip(tip);
}

QImage ResultsView::breakdownImage() const { return breakdown_->grab().toImage(); }
QImage ResultsView::rooflineImage() const { return roofline_->grab().toImage(); }

QString ResultsView::cardText(const QString& key) const
{
    auto it = cards_.find(key);
    return it == cards_.end() ? QString() : it->second->text();
}

void ResultsView::showError(const QString& message)
{
    error_->setText("Cannot estimate: " + message);
    error_->show();
}

void ResultsView::showEstimate(const Design& d, const Metrics& m, const QString& estimator)
{
    error_->hide();
    QString ttftTip = "prefill of batch x prompt tokens";
    if (m.encoder.timeS > 0) ttftTip += QString("; the image encoder takes %1 of it").arg(q(formatSeconds(m.encoder.timeS)));
    if (d.workload.reasoning > 0)
        ttftTip += QString("; the answer starts after %1 reasoning tokens, at %2")
                       .arg(d.workload.reasoning)
                       .arg(q(formatSeconds(m.timeToAnswerS)));
    setCard("ttft", q(formatSeconds(m.ttftS)), ttftTip);
    QString tpotTip = "mean decode time per output token";
    if (d.opts.spec.enabled())
        tpotTip += QString("; %1 speculation yields %2 tokens per verification step (k = %3)%4")
                       .arg(toString(d.opts.spec.kind))
                       .arg(m.tokensPerStep, 0, 'f', 2)
                       .arg(d.opts.spec.draftLength)
                       .arg(m.draft.timeS > 0 ? QString(", the draft takes %1 of decode").arg(q(formatSeconds(m.draft.timeS))) : QString());
    setCard("tpot", q(formatSeconds(m.tpotS)), tpotTip);
    // What the optimisations and inference-time compute did, in numbers.
    QStringList notes;
    const auto& o = d.opts;
    if (o.spec.enabled())
        notes << QString("Speculative decoding (%1, k = %2): %3 tokens per verification step%4.")
                     .arg(toString(o.spec.kind))
                     .arg(o.spec.draftLength)
                     .arg(m.tokensPerStep, 0, 'f', 2)
                     .arg(m.draft.timeS > 0 ? QString("; the draft takes %1 of %2 decode")
                                                  .arg(q(formatSeconds(m.draft.timeS)), q(formatSeconds(m.decodeTotal.timeS)))
                                            : QString());
    if (o.kvCompression.enabled())
        notes << QString("SnapKV keeps %1 of %2 prompt positions per sequence (window %3).")
                     .arg(int(o.kvCompression.keptOf(d.promptTokens())))
                     .arg(d.promptTokens())
                     .arg(o.kvCompression.window);
    if (o.sparsity.enabled())
        notes << QString("Weights %1%2.").arg(q(toString(o.sparsity)),
                                              o.sparsity.pattern == SparsityPattern::TwoFour && !d.hardware.sparse24
                                                  ? " (run dense: this hardware has no 2:4 sparse matrix units)"
                                                  : QString());
    if (o.headPruning > 0)
        notes << QString("%1 of %2 attention heads kept.").arg(withHeadsPruned(d.model, o.headPruning).heads).arg(d.model.heads);
    if (m.encoder.timeS > 0)
        notes << QString("%1 image(s) per sequence through %2: %3 of TTFT, %4 prompt tokens in all.")
                     .arg(d.workload.images)
                     .arg(q(d.encoder->id), q(formatSeconds(m.encoder.timeS)))
                     .arg(d.promptTokens());
    if (d.workload.reasoning > 0)
        notes << QString("The answer starts after %1 reasoning tokens: %2.").arg(d.workload.reasoning).arg(q(formatSeconds(m.timeToAnswerS)));
    notes_->setText(notes.join("  "));
    notes_->setVisible(!notes.isEmpty());
    setCard("tps", q(formatSi(m.decodeTokensPerS, "tokens/s")));
    setCard("tpj", QString::number(m.tokensPerJ, 'g', 4) + " tokens/J");
    setCard("power", q(formatSi(m.avgPowerW, "W")), QString("%1 device(s)").arg(m.devices));
    setCard("area", m.areaMm2 >= 0 ? QString::number(m.areaMm2, 'f', 1) + " mm²"
                    : m.fpgaUtilisation >= 0 ? QString::number(100 * m.fpgaUtilisation, 'f', 1) + "% of FPGA"
                                             : QString("n/a"),
            "known for accelerator templates (simulation or analytical estimator)");
    const auto& mem = m.memory;
    memory_->setRange(0, 1000);
    memory_->setValue(int(std::min(1.0, mem.totalBytes() / mem.capacityBytes) * 1000));
    memory_->setFormat(q(mem.fitMessage()) + QString("  (weights %1, KV %2, activations %3)")
                                                 .arg(q(formatBytes(mem.weightsBytes)), q(formatBytes(mem.kvCacheBytes)),
                                                      q(formatBytes(mem.activationBytes))));
    memory_->setStyleSheet(mem.fits ? "" : "QProgressBar::chunk { background: #c62828; }");
    plotBreakdown(m);
    plotRoofline(d, m);
    provenance_->setText(QString("<b>Estimator</b> %1. <b>Hardware</b> %2: %3 <b>Runtime</b> %4: %5 <b>Model</b> %6: %7")
                             .arg(estimator, q(d.hardware.id), q(d.hardware.source).toHtmlEscaped(), q(d.runtime.id),
                                  q(d.runtime.provenance).toHtmlEscaped(), q(d.model.id), q(d.model.source).toHtmlEscaped()));
}

void ResultsView::plotBreakdown(const Metrics& m)
{
    auto* chart = new QChart;
    chart->setTitle("Where the time goes (ms)");
    auto* series = new QHorizontalStackedBarSeries;
    const std::pair<const char*, double TimeBreakdown::*> parts[] = {
        {"compute", &TimeBreakdown::compute}, {"memory", &TimeBreakdown::memory},
        {"overhead", &TimeBreakdown::overhead}, {"communication", &TimeBreakdown::communication}};
    // The phase totals include power capping; scale the parts to them.
    auto scaled = [](const PhaseCost& p, double TimeBreakdown::*f) {
        const double sum = p.breakdown.total();
        return sum > 0 ? p.breakdown.*f / sum * p.timeS * 1e3 : 0.0;
    };
    for (auto [name, field] : parts) {
        auto* set = new QBarSet(name);
        *set << scaled(m.prefill, field) << scaled(m.decodeStep, field) * 100;
        series->append(set);
    }
    chart->addSeries(series);
    auto* cats = new QBarCategoryAxis;
    cats->append({"prefill", "100 decode steps"});
    chart->addAxis(cats, Qt::AlignLeft);
    series->attachAxis(cats);
    auto* values = new QValueAxis;
    values->setTitleText("ms");
    chart->addAxis(values, Qt::AlignBottom);
    series->attachAxis(values);
    chart->legend()->setAlignment(Qt::AlignBottom);
    replaceChart(breakdown_, chart);
}

void ResultsView::plotRoofline(const Design& d, const Metrics& m)
{
    auto* chart = new QChart;
    const Precision p = d.hardware.executedPrecision(d.opts.activations);
    const double peak = d.hardware.peakFor(p), bw = d.hardware.mainMemory().bandwidthBytesPerS;
    chart->setTitle(QString("Roofline: %1 at %2 (%3 TFLOP/s, %4 GB/s)")
                        .arg(q(d.hardware.id), toString(p)).arg(peak / 1e12, 0, 'g', 4).arg(bw / 1e9, 0, 'g', 4));
    auto* roof = new QLineSeries;
    roof->setName("roofline");
    const double ridge = peak / bw;
    roof->append(0.01, 0.01 * bw / 1e9);
    roof->append(ridge, peak / 1e9);
    roof->append(1e4, peak / 1e9);
    chart->addSeries(roof);
    double lo = 1e30, hi = 0;
    for (const char* phase : {"prefill", "decode"}) {
        auto* pts = new QScatterSeries;
        pts->setName(phase);
        pts->setMarkerSize(8);
        QStringList tips;
        for (const OpCost& op : m.ops) {
            // Speculation's verification and draft steps are decode; the encoder and the draft's prefill, prefill.
            const bool decodeLike = op.phase == "decode" || op.phase == "verify" || op.phase == "draft";
            if (decodeLike != (std::string(phase) == "decode") || op.flops <= 0 || op.bytes <= 0 || op.timeS <= 0) continue;
            const double ai = op.flops / op.bytes, rate = op.flops / op.timeS / 1e9;
            pts->append(ai, rate);
            tips << QString("%1 %2: %3 FLOP/byte, %4 GFLOP/s, %5 (%6-bound)")
                        .arg(q(op.phase), q(op.name))
                        .arg(ai, 0, 'g', 3)
                        .arg(rate, 0, 'g', 4)
                        .arg(q(formatSeconds(op.timeS)), toString(op.bound));
            lo = std::min(lo, rate);
            hi = std::max(hi, rate);
        }
        connect(pts, &QScatterSeries::hovered, this, [pts, tips](const QPointF& p, bool state) {
            if (!state) return QToolTip::hideText();
            const auto points = pts->points();
            for (int i = 0; i < points.size(); ++i)
                if (points[i] == p && i < tips.size()) QToolTip::showText(QCursor::pos(), tips[i]);
        });
        chart->addSeries(pts);
    }
    auto* x = new QLogValueAxis;
    x->setTitleText("arithmetic intensity (FLOP/byte)");
    x->setRange(0.01, 1e4);
    x->setLabelFormat("%g");
    auto* y = new QLogValueAxis;
    y->setTitleText("achieved GFLOP/s");
    y->setRange(std::max(1e-3, std::min(lo, 0.01 * bw / 1e9) / 2), std::max(hi, peak / 1e9) * 2);
    y->setLabelFormat("%g");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (auto* s : chart->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    replaceChart(roofline_, chart);
}

} // namespace llmdse
