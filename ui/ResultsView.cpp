#include "ui/ResultsView.h"
#include "core/Units.h"
#include "estimators/analytical/FitAdvice.h"
#include "ui/ChartAxes.h"
#include "ui/ChartSwap.h"
#include "ui/FlowLayout.h"
#include "ui/HeadlineMetrics.h"
#include "ui/OpTableModel.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QGraphicsSimpleTextItem>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalStackedBarSeries>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QProgressBar>
#include <QScatterSeries>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace llmdse {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

constexpr int kLabelledPerPhase = 3; // the slowest operators of each phase are named on the roofline

QChart* placeholderChart(const QString& title)
{
    auto* c = new QChart;
    c->setTitle(title);
    c->legend()->hide();
    return c;
}

} // namespace

ResultsView::ResultsView(QWidget* parent)
    : QWidget(parent), breakdown_(new QChartView), roofline_(new QChartView), memory_(new QProgressBar),
      banner_(new QLabel), error_(new QLabel), notes_(new QLabel), provenance_(new QLabel),
      provenanceToggle_(new QToolButton), ops_(new OpTableModel(this)), opProxy_(new QSortFilterProxyModel(this)),
      opTable_(new QTableView)
{
    auto* cards = new QWidget;
    auto* flow = new FlowLayout(cards);
    for (const Headline& h : headlineMetrics(Metrics{}))
        if (h.card) {
            addCard(h);
            flow->addWidget(cards_[h.key].frame);
        }
    for (QChartView* v : {breakdown_, roofline_}) {
        v->setRenderHint(QPainter::Antialiasing);
        // Side by side in the central area of a 1024-pixel-wide window with both docks open.
        v->setMinimumSize(240, 240);
    }
    breakdown_->setObjectName("breakdownChart");
    roofline_->setObjectName("rooflineChart");
    memory_->setObjectName("memoryBar");
    memory_->setTextVisible(true);
    memory_->setMinimumWidth(120);
    banner_->setObjectName("infeasibleBanner");
    banner_->setWordWrap(true);
    banner_->setStyleSheet("background: #fdecea; color: #8a1c14; border: 1px solid #c62828; border-radius: 4px; padding: 6px;");
    banner_->hide();
    error_->setObjectName("estimateError");
    error_->setStyleSheet("color: #b00020; font-weight: bold;");
    error_->setWordWrap(true);
    error_->hide();
    notes_->setObjectName("optimizationNotes");
    notes_->setWordWrap(true);
    notes_->hide();
    provenance_->setObjectName("provenance");
    provenance_->setWordWrap(true);
    provenance_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    provenance_->setStyleSheet("color: #555;");
    provenance_->hide();
    provenanceToggle_->setObjectName("provenanceToggle");
    provenanceToggle_->setText("Provenance of these numbers");
    provenanceToggle_->setCheckable(true);
    provenanceToggle_->setArrowType(Qt::RightArrow);
    provenanceToggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    provenanceToggle_->setAutoRaise(true);
    connect(provenanceToggle_, &QToolButton::toggled, this, [this](bool open) {
        provenanceToggle_->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
        provenance_->setVisible(open);
    });

    opProxy_->setSourceModel(ops_);
    opProxy_->setSortRole(Qt::UserRole);
    opTable_->setObjectName("operatorTable");
    opTable_->setModel(opProxy_);
    opTable_->setSortingEnabled(true);
    opTable_->sortByColumn(OpTableModel::Time, Qt::DescendingOrder);
    opTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    opTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    opTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    opTable_->verticalHeader()->hide();
    opTable_->verticalHeader()->setDefaultSectionSize(opTable_->fontMetrics().height() + 6);
    opTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    opTable_->horizontalHeader()->setStretchLastSection(true);
    opTable_->setMinimumHeight(120);
    connect(opTable_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& i) {
        const int row = i.isValid() ? opProxy_->mapToSource(i).row() : -1;
        if (row != highlighted_) highlightOperator(row);
    });

    auto* charts = new QSplitter(Qt::Horizontal);
    charts->setChildrenCollapsible(false);
    charts->addWidget(breakdown_);
    charts->addWidget(roofline_);
    charts->setStretchFactor(0, 2);
    charts->setStretchFactor(1, 3);
    auto* split = new QSplitter(Qt::Vertical);
    split->setObjectName("resultsSplitter");
    split->setChildrenCollapsible(false);
    split->addWidget(charts);
    split->addWidget(opTable_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setMinimumHeight(400);

    auto* memoryRow = new QHBoxLayout;
    memoryRow->addWidget(new QLabel("Memory per device"));
    memoryRow->addWidget(memory_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(error_);
    layout->addWidget(banner_);
    layout->addWidget(notes_);
    layout->addWidget(cards);
    layout->addLayout(memoryRow);
    layout->addWidget(split, 1);
    layout->addWidget(provenanceToggle_);
    layout->addWidget(provenance_);
    breakdown_->setChart(placeholderChart("Where the time goes"));
    roofline_->setChart(placeholderChart("Roofline"));
}

void ResultsView::addCard(const Headline& h)
{
    auto* frame = new QWidget;
    const QString name = QString("card_") + h.key;
    frame->setObjectName(name);
    frame->setAttribute(Qt::WA_StyledBackground);
    auto* title = new QLabel(h.title().replace(0, 1, h.title().at(0).toUpper()));
    title->setStyleSheet("color: #555;");
    auto* value = new QLabel("-");
    value->setObjectName(name + "_value");
    value->setStyleSheet("font-size: 16pt; font-weight: 600;");
    auto* interval = new QLabel; // filled once estimates carry intervals
    interval->setObjectName(name + "_interval");
    interval->setStyleSheet("color: #555;");
    interval->hide();
    auto* flag = new QLabel;
    flag->setObjectName(name + "_flag");
    flag->setStyleSheet("color: #b00020; font-weight: bold;");
    flag->hide();
    auto* l = new QVBoxLayout(frame);
    l->setContentsMargins(8, 6, 8, 6);
    l->setSpacing(2);
    l->addWidget(title);
    l->addWidget(value);
    l->addWidget(interval);
    l->addWidget(flag);
    cards_[h.key] = {frame, title, value, interval, flag};
}

void ResultsView::setCard(const Headline& h, const QString& tip, const Uncertainty& u)
{
    const Card& c = cards_.at(h.key);
    c.value->setText(formatHeadline(h, h.value));
    const QString band = intervalTip(h, u);
    const QString fullTip = band.isEmpty() ? tip : tip.isEmpty() ? band : tip + "\n" + band;
    for (QWidget* w : {static_cast<QWidget*>(c.value), static_cast<QWidget*>(c.interval), c.frame}) w->setToolTip(fullTip);
    if (h.metric == MetricId::AreaMm2 && std::isnan(h.value)) { // a bare dash reads as a failure
        c.value->setText("not estimated");
        const QString why = "Die area comes from the simulation estimator's area model of accelerator templates "
                            "(template-*); presets and the other estimators give none.";
        for (QWidget* w : {static_cast<QWidget*>(c.value), c.frame}) w->setToolTip(why);
    }
    if (h.interval) c.interval->setText(QString("%1 – %2").arg(formatHeadline(h, h.interval->first), formatHeadline(h, h.interval->second)));
    c.interval->setVisible(bool(h.interval));
    // A design that cannot run keeps its numbers (they say what it would do) but cannot be mistaken for one that can.
    const bool flagged = !feasible_ && !std::isnan(h.value);
    c.flag->setText(flagged ? "does not fit" : QString());
    c.flag->setVisible(flagged);
    QFont f = c.value->font();
    f.setStrikeOut(flagged);
    c.value->setFont(f);
    c.frame->setStyleSheet(QString("#%1 { background: %2; border: 1px solid %3; border-radius: 6px; }")
                               .arg(c.frame->objectName(), flagged ? "#fdecea" : "#f4f6fa", flagged ? "#c62828" : "#d5dae3"));
}

QImage ResultsView::breakdownImage(QSize size) const { return renderChart(breakdown_, size); }
QImage ResultsView::rooflineImage(QSize size) const { return renderChart(roofline_, size); }

QString ResultsView::cardText(const QString& key) const
{
    auto it = cards_.find(key);
    return it == cards_.end() ? QString() : it->second.value->text();
}

QString ResultsView::cardInterval(const QString& key) const
{
    auto it = cards_.find(key);
    return it == cards_.end() || it->second.interval->isHidden() ? QString() : it->second.interval->text();
}

QString ResultsView::cardTip(const QString& key) const
{
    auto it = cards_.find(key);
    return it == cards_.end() ? QString() : it->second.value->toolTip();
}

QString ResultsView::cardFlag(const QString& key) const
{
    auto it = cards_.find(key);
    return it == cards_.end() || it->second.flag->isHidden() ? QString() : it->second.flag->text();
}

void ResultsView::showError(const QString& message)
{
    error_->setText("Cannot estimate: " + message + "\nThe results below are cleared until the design can be estimated.");
    error_->show();
    banner_->hide();
    notes_->hide();
    shown_ = false;
    feasible_ = true;
    for (auto& [key, c] : cards_) {
        c.value->setText("–");
        for (QWidget* w : {static_cast<QWidget*>(c.value), static_cast<QWidget*>(c.interval), c.frame}) w->setToolTip({});
        c.interval->hide();
        c.flag->hide();
        c.frame->setStyleSheet(QString("#%1 { background: #f4f6fa; border: 1px solid #d5dae3; border-radius: 6px; }")
                                   .arg(c.frame->objectName()));
    }
    memory_->setValue(0);
    memory_->setFormat("no estimate");
    memory_->setStyleSheet("");
    pointRows_.clear();
    labels_.clear();
    extraLabel_ = nullptr;
    selected_ = nullptr;
    highlighted_ = -1;
    ops_->clear();
    replaceChart(breakdown_, placeholderChart("No estimate"));
    replaceChart(roofline_, placeholderChart("No estimate"));
    provenance_->clear();
}

void ResultsView::showEstimate(const Design& d, const Metrics& m, const QString& estimator, const Uncertainty& u)
{
    error_->hide();
    shown_ = true;
    feasible_ = designFits(m);
    infeasibleTitle_.clear();
    if (!feasible_) {
        QString text = "<b>This design does not fit:</b> " + q(infeasibility(m)).toHtmlEscaped() + ".";
        const auto remedies = fitRemedies(d);
        if (!remedies.empty()) {
            QStringList r;
            for (const auto& s : remedies) r << q(s).toHtmlEscaped();
            text += " It would fit with any one of: " + r.join("; ") + ".";
        }
        text += " Its figures below are what it would do if it fit.";
        banner_->setText(text);
        infeasibleTitle_ = "Does not fit (" + q(infeasibility(m)) + ")";
    }
    banner_->setVisible(!feasible_);

    QString ttftTip = "prefill of batch x prompt tokens";
    if (m.encoder.timeS > 0) ttftTip += QString("; the image encoder takes %1 of it").arg(q(formatSeconds(m.encoder.timeS)));
    if (d.workload.reasoning > 0)
        ttftTip += QString("; the answer starts after %1 reasoning tokens, at %2")
                       .arg(d.workload.reasoning)
                       .arg(q(formatSeconds(m.timeToAnswerS)));
    QString tpotTip = "mean decode time per output token";
    if (d.opts.spec.enabled())
        tpotTip += QString("; %1 speculation yields %2 tokens per verification step (k = %3)%4")
                       .arg(toString(d.opts.spec.kind))
                       .arg(m.tokensPerStep, 0, 'f', 2)
                       .arg(d.opts.spec.draftLength)
                       .arg(m.draft.timeS > 0 ? QString(", the draft takes %1 of decode").arg(q(formatSeconds(m.draft.timeS))) : QString());
    const std::map<QString, QString> tips = {
        {"ttft", ttftTip},
        {"tpot", tpotTip},
        {"tps", "decode tokens per second, all sequences of the batch"},
        {"tpj", "decode tokens per joule of the devices' energy"},
        {"power", QString("whole request, %1 device(s)").arg(m.devices)},
        {"area", m.fpgaUtilisation >= 0 ? QString("%1% of the FPGA part's most used resource").arg(100 * m.fpgaUtilisation, 0, 'f', 1)
                                        : QString("known for accelerator templates (simulation or analytical estimator)")}};
    for (const Headline& h : headlineMetrics(m, &u))
        if (h.card) setCard(h, tips.count(h.key) ? tips.at(h.key) : QString(), u);
    if (m.areaMm2 < 0 && m.fpgaUtilisation >= 0) // an FPGA: its use of the part, not an area
        cards_.at("area").value->setText(QString::number(100 * m.fpgaUtilisation, 'f', 1) + "% of FPGA");

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

    const auto& mem = m.memory;
    memory_->setRange(0, 1000);
    memory_->setValue(int(std::min(1.0, mem.totalBytes() / mem.capacityBytes) * 1000));
    memory_->setFormat(q(mem.fitMessage()) + QString("  (weights %1, KV %2, activations %3)")
                                                 .arg(q(formatBytes(mem.weightsBytes)), q(formatBytes(mem.kvCacheBytes)),
                                                      q(formatBytes(mem.activationBytes))));
    memory_->setToolTip(memory_->format());
    memory_->setStyleSheet(mem.fits ? "" : "QProgressBar::chunk { background: #c62828; }");

    const int keep = highlighted_ >= 0 && highlighted_ < ops_->rowCount() ? highlighted_ : -1;
    const std::string keepName = keep >= 0 ? ops_->op(keep).name + "/" + ops_->op(keep).phase : std::string();
    highlighted_ = -1;
    ops_->setOps(m.ops);
    plotBreakdown(m);
    plotRoofline(d);
    // The same operator stays highlighted across edits, found by name and phase.
    for (int r = 0; r < ops_->rowCount() && !keepName.empty(); ++r)
        if (ops_->op(r).name + "/" + ops_->op(r).phase == keepName) {
            highlightOperator(r);
            break;
        }
    provenance_->setText(QString("<b>Estimator</b> %1. <b>Hardware</b> %2: %3 <b>Runtime</b> %4: %5 <b>Model</b> %6: %7")
                             .arg(estimator, q(d.hardware.id), q(d.hardware.source).toHtmlEscaped(), q(d.runtime.id),
                                  q(d.runtime.provenance).toHtmlEscaped(), q(d.model.id), q(d.model.source).toHtmlEscaped()));
}

void ResultsView::markInfeasible(QChart* chart) const
{
    if (infeasibleTitle_.isEmpty()) return;
    chart->setTitle(infeasibleTitle_ + ": " + chart->title());
    chart->setTitleBrush(QColor("#b00020"));
    chart->setBackgroundBrush(QColor("#fff6f5"));
}

void ResultsView::plotBreakdown(const Metrics& m)
{
    auto* chart = new QChart;
    chart->setTitle("Where the time goes");
    auto* series = new QHorizontalStackedBarSeries;
    const std::pair<const char*, double TimeBreakdown::*> parts[] = {
        {"compute", &TimeBreakdown::compute}, {"memory", &TimeBreakdown::memory},
        {"overhead", &TimeBreakdown::overhead}, {"communication", &TimeBreakdown::communication}};
    const double longest = std::max(m.prefill.timeS, m.decodeTotal.timeS);
    const TimeUnit unit = timeUnitFor(longest);
    // The phase totals include power capping; scale the parts to them.
    auto scaled = [&](const PhaseCost& p, double TimeBreakdown::*f) {
        const double sum = p.breakdown.total();
        return sum > 0 ? p.breakdown.*f / sum * p.timeS * unit.perSecond : 0.0;
    };
    for (auto [name, field] : parts) {
        if (scaled(m.prefill, field) <= 0 && scaled(m.decodeTotal, field) <= 0) continue; // keeps the legend short
        auto* set = new QBarSet(name);
        *set << scaled(m.prefill, field) << scaled(m.decodeTotal, field);
        series->append(set);
    }
    chart->addSeries(series);
    auto* cats = new QBarCategoryAxis;
    // Each phase's total beside its name: at one scale a 20 ms prefill beside a 1 s decode is a sliver.
    // Decode: all its steps together.
    cats->append({QString::fromStdString("prefill " + formatSeconds(m.prefill.timeS)),
                  QString::fromStdString("decode " + formatSeconds(m.decodeTotal.timeS))});
    chart->addAxis(cats, Qt::AlignLeft);
    series->attachAxis(cats);
    QValueAxis* values = timeAxis(longest, "time", nullptr, 5);
    chart->addAxis(values, Qt::AlignBottom);
    series->attachAxis(values);
    chart->legend()->setAlignment(Qt::AlignBottom);
    // Three or four names under a chart a quarter of a laptop screen wide: a smaller font keeps them whole.
    QFont small = chart->legend()->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    chart->legend()->setFont(small);
    markInfeasible(chart);
    replaceChart(breakdown_, chart);
}

void ResultsView::plotRoofline(const Design& d)
{
    pointRows_.clear();
    labels_.clear(); // owned by the chart being replaced
    extraLabel_ = nullptr;
    selected_ = nullptr;
    auto* chart = new QChart;
    const Precision p = d.hardware.executedPrecision(d.opts.activations);
    const double peak = d.hardware.peakFor(p), bw = d.hardware.mainMemory().bandwidthBytesPerS;
    // TFLOP/s for accelerators, GFLOP/s below a 10 TFLOP/s peak: the decades read as plain numbers.
    const bool tera = peak >= 1e13;
    const double perUnit = tera ? 1e12 : 1e9;
    const QString unit = tera ? "TFLOP/s" : "GFLOP/s";
    chart->setTitle(QString("Roofline: %1 at %2 (%3, %4/s)")
                        .arg(q(d.hardware.id), toString(p), q(formatSi(peak, "FLOP/s")), q(formatBytes(bw))));
    auto* roof = new QLineSeries;
    roof->setName("roofline");
    const double ridge = peak / bw;
    roof->append(0.01, 0.01 * bw / perUnit);
    roof->append(ridge, peak / perUnit);
    roof->append(1e4, peak / perUnit);
    chart->addSeries(roof);
    double lo = 0.01 * bw / perUnit, hi = peak / perUnit;
    for (const bool decode : {false, true}) {
        auto* pts = new QScatterSeries;
        pts->setName(decode ? "decode" : "prefill");
        pts->setMarkerSize(8);
        std::vector<int> rows;
        for (int r = 0; r < ops_->rowCount(); ++r) {
            const OpCost& op = ops_->op(r);
            if (OpTableModel::decodeLike(op) != decode || op.flops <= 0 || op.bytes <= 0 || op.timeS <= 0) continue;
            const double rate = op.flops / op.timeS / perUnit;
            pts->append(op.flops / op.bytes, rate);
            rows.push_back(r);
            lo = std::min(lo, rate);
            hi = std::max(hi, rate);
        }
        connect(pts, &QScatterSeries::hovered, this, [this, pts, unit](const QPointF& pt, bool state) {
            if (!state) return QToolTip::hideText();
            for (const auto& [s, rows] : pointRows_) {
                if (s != pts) continue;
                const auto points = pts->points();
                for (int i = 0; i < points.size(); ++i)
                    if (points[i] == pt && size_t(i) < rows.size()) {
                        const OpCost& op = ops_->op(rows[size_t(i)]);
                        QToolTip::showText(QCursor::pos(),
                                           QString("%1 (%2)\n%3 FLOP/byte, %4 %5\n%6, %7 of the phase, %8-bound")
                                               .arg(q(op.name), q(op.phase))
                                               .arg(pt.x(), 0, 'g', 3)
                                               .arg(pt.y(), 0, 'g', 3)
                                               .arg(unit, q(formatSeconds(op.timeS)))
                                               .arg(QString::number(100 * ops_->phaseShare(rows[size_t(i)]), 'f', 1) + " %",
                                                    toString(op.bound)),
                                           roofline_);
                    }
            }
        });
        connect(pts, &QScatterSeries::clicked, this, [this, pts](const QPointF& pt) {
            QToolTip::hideText();
            for (const auto& [s, rows] : pointRows_) {
                if (s != pts) continue;
                const auto points = pts->points();
                for (int i = 0; i < points.size(); ++i)
                    if (points[i] == pt && size_t(i) < rows.size()) return highlightOperator(rows[size_t(i)]);
            }
        });
        chart->addSeries(pts);
        pointRows_.push_back({pts, std::move(rows)});
    }
    selected_ = new QScatterSeries;
    selected_->setName("selected");
    selected_->setMarkerSize(16);
    selected_->setColor(Qt::transparent);
    selected_->setBorderColor(QColor("#111"));
    QPen ring(QColor("#111"));
    ring.setWidth(2);
    selected_->setPen(ring);
    chart->addSeries(selected_);
    QLogValueAxis* x = decadeAxis(0.01, 1e4, "arithmetic intensity (FLOP/byte)");
    QLogValueAxis* y = decadeAxis(lo / 1.5, hi * 1.5, "achieved " + unit);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (auto* s : chart->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    for (auto* marker : chart->legend()->markers(selected_)) marker->setVisible(false);
    markInfeasible(chart);
    replaceChart(roofline_, chart);
    // The slowest operators of each phase are named on the chart.
    for (const bool decode : {false, true}) {
        std::vector<int> rows;
        for (int r = 0; r < ops_->rowCount(); ++r)
            if (OpTableModel::decodeLike(ops_->op(r)) == decode && !operatorPoint(r).isNull()) rows.push_back(r);
        std::sort(rows.begin(), rows.end(), [this](int a, int b) { return ops_->op(a).timeS > ops_->op(b).timeS; });
        rows.resize(std::min<size_t>(rows.size(), kLabelledPerPhase));
        for (int r : rows) {
            auto* label = new QGraphicsSimpleTextItem(q(ops_->op(r).name), chart);
            label->setZValue(10);
            labels_.push_back({label, r});
        }
    }
    connect(chart, &QChart::plotAreaChanged, this, &ResultsView::placeLabels);
    placeLabels();
}

QPointF ResultsView::operatorPoint(int row) const
{
    for (const auto& [s, rows] : pointRows_)
        for (size_t i = 0; i < rows.size(); ++i)
            if (rows[i] == row) return s->at(int(i));
    return {};
}

void ResultsView::placeLabels()
{
    QChart* chart = roofline_->chart();
    if (!chart || pointRows_.empty()) return;
    // The highlighted operator's label first (bold), then the slowest ones; a label that would
    // cover one already placed moves below it, or is left out.
    std::vector<QRectF> placed;
    auto place = [&](QGraphicsSimpleTextItem* label, int row) {
        const QPointF at = chart->mapToPosition(operatorPoint(row), pointRows_[OpTableModel::decodeLike(ops_->op(row)) ? 1 : 0].first);
        QRectF r = label->boundingRect().translated(at + QPointF(7, -label->boundingRect().height() - 2));
        if (r.right() > chart->plotArea().right()) r.moveRight(at.x() - 7);
        for (int tries = 0; tries < 3; ++tries) {
            const bool clash = std::any_of(placed.begin(), placed.end(), [&](const QRectF& o) { return o.intersects(r); });
            if (!clash) break;
            r.translate(0, r.height());
        }
        const bool clash = std::any_of(placed.begin(), placed.end(), [&](const QRectF& o) { return o.intersects(r); });
        label->setVisible(!clash && chart->plotArea().contains(r.center()));
        label->setPos(r.topLeft());
        if (label->isVisible()) placed.push_back(r);
    };
    std::vector<std::pair<QGraphicsSimpleTextItem*, int>> order;
    if (extraLabel_ && highlighted_ >= 0) order.push_back({extraLabel_, highlighted_});
    for (const auto& l : labels_)
        if (l.second == highlighted_) order.insert(order.begin(), l);
        else order.push_back(l);
    for (auto& [label, row] : order) {
        QFont f = label->font();
        f.setBold(row == highlighted_);
        label->setFont(f);
        place(label, row);
    }
}

void ResultsView::highlightOperator(int row)
{
    if (row < -1 || row >= ops_->rowCount()) row = -1;
    highlighted_ = row;
    const QPointF p = row >= 0 ? operatorPoint(row) : QPointF();
    if (selected_) {
        selected_->clear();
        if (!p.isNull()) selected_->append(p);
    }
    // The highlighted operator is labelled whether or not it is among the slowest.
    delete extraLabel_;
    extraLabel_ = nullptr;
    QChart* chart = roofline_->chart();
    const bool labelled = std::any_of(labels_.begin(), labels_.end(), [row](const auto& l) { return l.second == row; });
    if (row >= 0 && !p.isNull() && !labelled && chart) {
        extraLabel_ = new QGraphicsSimpleTextItem(q(ops_->op(row).name), chart);
        extraLabel_->setZValue(11);
    }
    placeLabels();
    // Select the row in the table too (through the sort proxy).
    const QModelIndex src = row >= 0 ? ops_->index(row, 0) : QModelIndex();
    const QModelIndex shown = opProxy_->mapFromSource(src);
    if (opTable_->selectionModel()->currentIndex().row() != shown.row() || !shown.isValid()) {
        if (shown.isValid()) {
            opTable_->selectionModel()->setCurrentIndex(shown, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            opTable_->scrollTo(shown);
        } else {
            opTable_->selectionModel()->clearSelection();
        }
    }
    Q_EMIT operatorHighlighted(row);
}

} // namespace llmdse
