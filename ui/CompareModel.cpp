#include "ui/CompareModel.h"
#include "core/Units.h"

#include <cmath>

namespace llmdse {

namespace {

struct Row {
    const char* name;
    double (*get)(const Metrics&);
    std::string (*format)(double);
};

std::string seconds(double v) { return formatSeconds(v); }
std::string tokensPerS(double v) { return formatSi(v, "tokens/s"); }
std::string joules(double v) { return formatSi(v, "J"); }
std::string perJoule(double v) { return QString::number(v, 'g', 4).toStdString() + " tokens/J"; }
std::string watts(double v) { return formatSi(v, "W"); }
std::string bytes(double v) { return formatBytes(v); }
std::string mm2(double v) { return std::isnan(v) ? "n/a" : QString::number(v, 'f', 1).toStdString() + " mm2"; }

const Row kRows[] = {
    {"time to first token", [](const Metrics& m) { return m.ttftS; }, seconds},
    {"time per output token", [](const Metrics& m) { return m.tpotS; }, seconds},
    {"end-to-end latency", [](const Metrics& m) { return m.e2eS; }, seconds},
    {"decode throughput", [](const Metrics& m) { return m.decodeTokensPerS; }, tokensPerS},
    {"energy per token", [](const Metrics& m) { return m.energyPerTokenJ; }, joules},
    {"tokens per joule", [](const Metrics& m) { return m.tokensPerJ; }, perJoule},
    {"average power", [](const Metrics& m) { return m.avgPowerW; }, watts},
    {"memory per device", [](const Metrics& m) { return m.memory.totalBytes(); }, bytes},
    {"area", [](const Metrics& m) { return m.areaMm2 >= 0 ? m.areaMm2 : std::nan(""); }, mm2},
};
constexpr int kRowCount = int(sizeof kRows / sizeof kRows[0]);

} // namespace

int CompareModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : kRowCount; }
int CompareModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(pinned_.size()); }

QString CompareModel::metricName(int row) { return row >= 0 && row < kRowCount ? kRows[row].name : QString(); }

double CompareModel::value(int row, int column) const
{
    if (row < 0 || row >= kRowCount || column < 0 || column >= columnCount()) return std::nan("");
    return kRows[row].get(pinned_[size_t(column)].metrics);
}

QVariant CompareModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()) return {};
    const double v = value(index.row(), index.column());
    if (role == Qt::DisplayRole) return QString::fromStdString(kRows[index.row()].format(v));
    if (role == Qt::UserRole) return v;
    if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant CompareModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role == Qt::DisplayRole) {
        if (o == Qt::Vertical) return metricName(section);
        if (section >= 0 && section < columnCount()) return pinned_[size_t(section)].label;
    }
    if (role == Qt::ToolTipRole && o == Qt::Horizontal && section >= 0 && section < columnCount()) {
        const auto& p = pinned_[size_t(section)];
        return QString("%1 on %2, batch %3, prompt %4, output %5, weights %6; %7 estimator")
            .arg(QString::fromStdString(p.design.model.id), QString::fromStdString(p.design.hardware.id))
            .arg(p.design.workload.batch)
            .arg(p.design.workload.prompt)
            .arg(p.design.workload.output)
            .arg(QString::fromStdString(toString(p.design.opts.weights)), p.estimator);
    }
    return {};
}

void CompareModel::pin(PinnedDesign p)
{
    const int c = columnCount();
    beginInsertColumns({}, c, c);
    pinned_.push_back(std::move(p));
    endInsertColumns();
}

void CompareModel::clear()
{
    beginResetModel();
    pinned_.clear();
    endResetModel();
}

void CompareModel::unpin(int column)
{
    if (column < 0 || column >= columnCount()) return;
    beginRemoveColumns({}, column, column);
    pinned_.erase(pinned_.begin() + column);
    endRemoveColumns();
}

} // namespace llmdse
