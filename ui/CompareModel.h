#pragma once
// Pinned designs side by side: one column per design, one row per metric
// (with units). The Compare view's table and grouped bars both read it, as an
// export would.
#include "core/Design.h"
#include "core/Metrics.h"

#include <QAbstractTableModel>
#include <vector>

namespace llmdse {

struct PinnedDesign {
    QString label;
    Design design;
    Metrics metrics;
    QString estimator;
};

class CompareModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    void pin(PinnedDesign p);
    void unpin(int column);
    void clear();
    const std::vector<PinnedDesign>& pinned() const { return pinned_; }
    // Metric `row` of design `column` in SI units (for charts); NaN when unknown.
    double value(int row, int column) const;
    static QString metricName(int row);

private:
    std::vector<PinnedDesign> pinned_;
};

} // namespace llmdse
