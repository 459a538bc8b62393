#pragma once
// The operators of one estimate as a table: name, phase, count, shape, FLOPs,
// bytes, time, share of its phase, bound and precision. The Results view's
// table and roofline and the design report all read it. Display text carries
// units; Qt::UserRole gives the raw number a column sorts by.
#include "core/Metrics.h"

#include <QAbstractTableModel>
#include <vector>

namespace llmdse {

class OpTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Phase, Count, Shape, Flops, Bytes, Time, Share, BoundBy, Precision, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void setOps(std::vector<OpCost> ops); // row i is ops[i]
    void clear() { setOps({}); }
    const OpCost& op(int row) const { return ops_[size_t(row)]; }
    double phaseShare(int row) const { return share_[size_t(row)]; }
    // Speculation's verification and draft steps are decode-like; the encoder and a draft's prefill, prefill-like.
    static bool decodeLike(const OpCost& op);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    std::vector<OpCost> ops_;
    std::vector<double> share_; // of its phase's operator time
};

} // namespace llmdse
