#include "ui/CompareView.h"
#include "ui/ChartSwap.h"
#include "ui/CompareModel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

namespace llmdse {

CompareView::CompareView(CompareModel* model, QWidget* parent)
    : QWidget(parent), model_(model), table_(new QTableView), chart_(new QChartView)
{
    table_->setModel(model_);
    table_->setObjectName("compareTable");
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->setSelectionBehavior(QAbstractItemView::SelectColumns);
    chart_->setRenderHint(QPainter::Antialiasing);
    chart_->setMinimumHeight(300);
    auto* unpin = new QPushButton("Unpin selected");
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(unpin);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table_);
    layout->addLayout(buttons);
    layout->addWidget(chart_, 1);
    connect(unpin, &QPushButton::clicked, this, [this] {
        const auto cols = table_->selectionModel()->selectedColumns();
        if (!cols.isEmpty()) model_->unpin(cols.front().column());
    });
    for (auto sig : {&QAbstractItemModel::columnsInserted, &QAbstractItemModel::columnsRemoved})
        connect(model_, sig, this, &CompareView::replot);
    connect(model_, &QAbstractItemModel::modelReset, this, &CompareView::replot);
    replot();
}

QImage CompareView::chartImage() const
{
    if (!chart_->isVisible()) chart_->resize(1100, 520); // never shown: lay it out at a report's size
    return chart_->grab().toImage();
}

void CompareView::replot()
{
    auto* chart = new QChart;
    chart->setTitle(model_->columnCount() ? "Relative to the first pinned design (1 = same)"
                                          : "Pin designs (Design > Pin, Ctrl+P) to compare them here");
    const int rows[] = {0, 1, 3, 5, 6}; // TTFT, TPOT, throughput, tokens/J, power
    auto* series = new QBarSeries;
    QStringList categories;
    for (int r : rows) categories << CompareModel::metricName(r);
    double top = 1;
    for (int c = 0; c < model_->columnCount(); ++c) {
        auto* set = new QBarSet(model_->headerData(c, Qt::Horizontal).toString());
        for (int r : rows) {
            const double base = model_->value(r, 0), v = model_->value(r, c);
            const double rel = base > 0 && std::isfinite(v) ? v / base : 0;
            *set << rel;
            top = std::max(top, rel);
        }
        series->append(set);
    }
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(categories);
    auto* y = new QValueAxis;
    y->setRange(0, top * 1.1);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    chart->legend()->setAlignment(Qt::AlignBottom);
    replaceChart(chart_, chart);
}

} // namespace llmdse
