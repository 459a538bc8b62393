#pragma once
// A sweep's rows kept in memory for the Sweep view, column by column in floats
// (a million points of 4 parameters and all metrics take ~75 MB), filled by the
// runner's writer stage as a ResultSink; a virtual table model reads it.
#include "ui/AsyncGuard.h"
#include "estimators/sweep/ResultSink.h"

#include <QAbstractTableModel>
#include <array>
#include <memory>
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

    // Whole columns, for saving a project; restore() puts saved columns back.
    const std::vector<std::int64_t>& indices() const { return index_; }
    const std::vector<bool>& validity() const { return valid_; }
    const std::vector<float>& paramColumn(size_t axis) const { return params_[axis]; }
    const std::vector<float>& metricColumn(MetricId m) const { return metrics_[int(m)]; }
    void restore(const SweepSchema& schema, std::vector<std::int64_t> index, std::vector<bool> valid,
                 std::vector<std::vector<float>> params, std::array<std::vector<float>, kMetricCount> metrics);

private:
    SweepSchema schema_;
    std::vector<std::int64_t> index_;
    std::vector<bool> valid_;
    std::vector<std::vector<float>> params_;
    std::array<std::vector<float>, kMetricCount> metrics_;
};

// A filter over sweep rows: terms such as `tpot_s < 0.05`, `hardware = h100-sxm`
// or `batch >= 8`, joined by commas or "and". Columns are axis or metric names.
struct SweepFilter {
    struct Term {
        int column = 0; // 0..axes-1: axis; axes..: metric
        enum Op { Lt, Le, Gt, Ge, Eq, Ne } op = Eq;
        double value = 0;
        QString text;   // textual axes compare by name
    };
    std::vector<Term> terms;
    bool accepts(const SweepResults& r, size_t row) const;
};
// Throws InputError("filter") naming the term it cannot read.
SweepFilter parseSweepFilter(const QString& text, const SweepSchema& schema);

// The Sweep view's table: every row of a SweepResults, filtered and sorted off
// the UI thread (a million rows take longer than a frame); the view sees only
// the finished order. Cells show units ("7.97 ms"); Qt::UserRole gives the raw SI number.
class SweepTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    void setResults(std::shared_ptr<const SweepResults> r);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override; // starts in the background
    void setFilter(const SweepFilter& f);                                       // likewise
    const SweepFilter& filter() const { return filter_; }
    size_t resultRow(int row) const { return order_[size_t(row)]; }            // the SweepResults row shown at `row`
    bool reordering() const { return pending_ > 0; }

Q_SIGNALS:
    void reordered(qint64 rows); // a sort or filter finished and is shown
    void filterChanged();        // a new filter was set (the rows follow once reordered)

private:
    void reorder();
    std::shared_ptr<const SweepResults> results_;
    std::vector<std::uint32_t> order_;
    SweepFilter filter_;
    int sortColumn_ = -1;
    Qt::SortOrder sortOrder_ = Qt::AscendingOrder;
    quint64 generation_ = 0;
    int pending_ = 0;
    AsyncGuard guard_{this}; // last: destroyed first
};

} // namespace llmdse
