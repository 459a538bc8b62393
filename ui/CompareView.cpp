#include "ui/CompareView.h"
#include "models/DesignJson.h"
#include "ui/ChartAxes.h"
#include "ui/ChartSwap.h"
#include "ui/CompareModel.h"
#include "ui/ErrorBars.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>
#include <iterator>
#include <vector>

namespace llmdse {

CompareView::CompareView(CompareModel* model, QWidget* parent)
    : QWidget(parent), model_(model), table_(new QTableView), chart_(new QChartView),
      errorBars_(new QCheckBox("Error bars"))
{
    table_->setModel(model_);
    table_->setObjectName("compareTable");
    table_->setSelectionBehavior(QAbstractItemView::SelectColumns);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setMinimumSectionSize(110);
    table_->horizontalHeader()->setStretchLastSection(false);
    table_->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    table_->setContextMenuPolicy(Qt::CustomContextMenu);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    chart_->setRenderHint(QPainter::Antialiasing);
    chart_->setMinimumHeight(240);
    auto* hint = new QLabel("Pin designs with Design > Pin for comparison (Ctrl+P). Inputs that differ are in bold; "
                            "double-click a column's header to rename it, right-click it for more.");
    hint->setWordWrap(true);
    hint->setStyleSheet("color: #555;");
    auto* unpin = new QPushButton("Unpin selected");
    unpin->setObjectName("unpinButton");
    errorBars_->setObjectName("compareErrorBars");
    errorBars_->setToolTip("draw each metric's 90% interval on its bar (hover a table cell for the interval's basis)");
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(hint, 1);
    buttons->addWidget(errorBars_);
    buttons->addWidget(unpin);
    auto* split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    split->addWidget(table_);
    split->addWidget(chart_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);
    connect(unpin, &QPushButton::clicked, this, &CompareView::unpinCurrent);
    connect(errorBars_, &QCheckBox::toggled, this, &CompareView::replot);
    connect(table_->horizontalHeader(), &QHeaderView::sectionDoubleClicked, this, &CompareView::renameColumn);
    connect(table_->horizontalHeader(), &QWidget::customContextMenuRequested, this, &CompareView::showHeaderMenu);
    connect(table_, &QWidget::customContextMenuRequested, this, [this](const QPoint& p) {
        showHeaderMenu(table_->horizontalHeader()->mapFromGlobal(table_->viewport()->mapToGlobal(p)));
    });
    for (auto sig : {&QAbstractItemModel::columnsInserted, &QAbstractItemModel::columnsRemoved})
        connect(model_, sig, this, &CompareView::replot);
    connect(model_, &QAbstractItemModel::modelReset, this, &CompareView::replot);
    connect(model_, &QAbstractItemModel::headerDataChanged, this, &CompareView::replot);
    replot();
}

void CompareView::setErrorBars(bool on) { errorBars_->setChecked(on); }

int CompareView::currentColumn() const
{
    const auto cols = table_->selectionModel()->selectedColumns();
    return cols.isEmpty() ? -1 : cols.front().column();
}

void CompareView::unpinCurrent()
{
    const int c = currentColumn();
    model_->unpin(c >= 0 ? c : model_->columnCount() - 1);
}

void CompareView::renameColumn(int column)
{
    if (column < 0 || column >= model_->columnCount()) return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, "Rename the design", "Name (empty: label it by what differs):",
                                               QLineEdit::Normal, model_->pinned()[size_t(column)].label, &ok);
    if (ok) model_->rename(column, name);
}

void CompareView::showHeaderMenu(const QPoint& at)
{
    const int column = table_->horizontalHeader()->logicalIndexAt(at);
    if (column < 0) return;
    table_->selectColumn(column);
    QMenu menu(this);
    menu.addAction("Rename...", this, [this, column] { renameColumn(column); });
    menu.addAction("Open in the docks", this, [this, column] {
        QJsonObject d = toJson(model_->pinned()[size_t(column)].design);
        d["_estimator"] = model_->pinned()[size_t(column)].estimator;
        Q_EMIT openDesign(d);
    });
    menu.addSeparator();
    menu.addAction("Unpin", this, [this, column] { model_->unpin(column); });
    menu.exec(table_->horizontalHeader()->mapToGlobal(at));
}

QImage CompareView::chartImage(QSize size) const { return renderChart(chart_, size); }

void CompareView::replot()
{
    auto* chart = new QChart;
    chart->setTitle(model_->columnCount() ? "Relative to the first pinned design (1 = the same; ⚠ does not fit)"
                                          : "Pin designs (Design > Pin, Ctrl+P) to compare them here");
    const int metrics[] = {0, 1, 3, 5, 6};
    // Short names, so that five categories fit under the bars of a laptop-sized view.
    const QStringList categories{"TTFT", "TPOT", "tokens/s", "tokens/J", "power"}; // decode tokens/s
    auto* series = new QBarSeries;
    double top = 1;
    // Each bar's interval, relative like the bar: category, design, low, high.
    struct Bar {
        int category, column;
        double lo, hi;
    };
    std::vector<Bar> bars;
    for (int c = 0; c < model_->columnCount(); ++c) {
        auto* set = new QBarSet(model_->headerData(c, Qt::Horizontal).toString());
        for (int k = 0; k < int(std::size(metrics)); ++k) {
            const int r = metrics[k];
            const double base = model_->value(r, 0), v = model_->value(r, c);
            const double rel = base > 0 && std::isfinite(v) ? v / base : 0;
            *set << rel;
            top = std::max(top, rel);
            if (const auto iv = model_->interval(r, c); errorBars_->isChecked() && iv && rel > 0) {
                bars.push_back({k, c, iv->first / base, iv->second / base});
                top = std::max(top, iv->second / base);
            }
        }
        if (!model_->fits(c)) set->setBrush(QBrush(QColor("#c62828"), Qt::BDiagPattern)); // cannot run: hatched
        series->append(set);
    }
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(categories);
    QValueAxis* y = niceAxis(0, top * 1.05, "relative to the first");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    if (!bars.empty()) {
        // The bars' own x: category k spans k - 0.5 .. k + 0.5, its group the series' bar width around k,
        // split evenly between the designs.
        auto* barX = new QValueAxis;
        barX->setRange(-0.5, double(std::size(metrics)) - 0.5);
        barX->setVisible(false);
        chart->addAxis(barX, Qt::AlignBottom);
        const double group = series->barWidth(), n = double(model_->columnCount());
        for (const Bar& b : bars) {
            const double at = b.category - group / 2 + (b.column + 0.5) * group / n;
            QLineSeries* line = verticalErrorBar(at, b.lo, b.hi, group / n / 4, QColor("#222"));
            addErrorBar(chart, line);
            line->attachAxis(barX);
            line->attachAxis(y);
        }
        chart->setTitle(chart->title() + "; error bars: 90% intervals");
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    replaceChart(chart_, chart);
}

} // namespace llmdse
