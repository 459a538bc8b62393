#pragma once
// A sweep's rows kept in memory for the Sweep view, column by column in floats
// (a million points of 4 parameters and all metrics take ~75 MB), filled by the
// runner's writer stage as a ResultSink; a virtual table model reads it.
#include "estimators/sweep/ResultSink.h"

#include <QAbstractTableModel>
#include <array>
#include <vector>

namespace llmdse {

class SweepResults : public ResultSink {
public:
    void begin(const SweepSchema& schema) override;
    void write(const std::vector<SweepRow>& rows) override;
    void finish() override {}

    const SweepSchema& schema() const { return schema_; }
    size_t size() const { return index_.size(); }
    std::int64_t index(size_t row) const { return index_[row]; }
    bool valid(size_t row) const { return valid_[row]; }
    double param(size_t axis, size_t row) const { return params_[axis][row]; }
    double metric(MetricId m, size_t row) const { return metrics_[int(m)][row]; }
    QString paramText(size_t axis, size_t row) const;

private:
    SweepSchema schema_;
    std::vector<std::int64_t> index_;
    std::vector<bool> valid_;
    std::vector<std::vector<float>> params_;
    std::array<std::vector<float>, kMetricCount> metrics_;
};

class SweepTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    void setResults(const SweepResults* r);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    const SweepResults* results_ = nullptr;
};

} // namespace llmdse
