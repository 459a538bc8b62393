#include "ui/SweepResults.h"

#include <cmath>

namespace llmdse {

void SweepResults::begin(const SweepSchema& schema)
{
    schema_ = schema;
    index_.clear();
    valid_.clear();
    params_.assign(schema.paramNames.size(), {});
    for (auto& m : metrics_) m.clear();
}

void SweepResults::write(const std::vector<SweepRow>& rows)
{
    for (const SweepRow& r : rows) {
        index_.push_back(r.index);
        valid_.push_back(r.error.empty());
        for (size_t a = 0; a < params_.size(); ++a) params_[a].push_back(float(r.params[a]));
        for (int m = 0; m < kMetricCount; ++m) metrics_[m].push_back(r.error.empty() ? float(r.metrics[m]) : NAN);
    }
}

QString SweepResults::paramText(size_t axis, size_t row) const
{
    const double v = params_[axis][row];
    const auto& text = schema_.paramText[axis];
    if (!text.empty() && v >= 0 && size_t(v) < text.size()) return QString::fromStdString(text[size_t(v)]);
    return QString::number(v, 'g', 6);
}

void SweepTableModel::setResults(const SweepResults* r)
{
    beginResetModel();
    results_ = r;
    endResetModel();
}

int SweepTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !results_ ? 0 : int(results_->size());
}

int SweepTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !results_ ? 0 : 1 + int(results_->schema().paramNames.size()) + kMetricCount;
}

QVariant SweepTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !results_ || (role != Qt::DisplayRole && role != Qt::UserRole)) return {};
    const size_t row = size_t(index.row());
    const int c = index.column(), axes = int(results_->schema().paramNames.size());
    if (c == 0) return qlonglong(results_->index(row));
    if (c <= axes) {
        if (role == Qt::UserRole) return results_->param(size_t(c - 1), row);
        return results_->paramText(size_t(c - 1), row);
    }
    const double v = results_->metric(MetricId(c - 1 - axes), row);
    if (role == Qt::UserRole) return v;
    return std::isnan(v) ? QString("-") : QString::number(v, 'g', 5);
}

QVariant SweepTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal || !results_) return QAbstractTableModel::headerData(section, o, role);
    const int axes = int(results_->schema().paramNames.size());
    if (section == 0) return "point";
    if (section <= axes) return QString::fromStdString(results_->schema().paramNames[size_t(section - 1)]);
    const MetricId m = MetricId(section - 1 - axes);
    return QString("%1 [%2]").arg(metricName(m), metricUnit(m));
}

} // namespace llmdse
