#include "ui/OpTableModel.h"
#include "core/Units.h"

#include <map>

namespace llmdse {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QString shape(const OpCost& op)
{
    if (op.k > 0) return QString("%1×%2×%3").arg(op.m).arg(op.n).arg(op.k);
    if (op.n > 1) return QString("%1×%2").arg(op.m).arg(op.n);
    return op.m > 0 ? QString::number(op.m) : QString("-");
}

} // namespace

bool OpTableModel::decodeLike(const OpCost& op)
{
    return op.phase == "decode" || op.phase == "verify" || op.phase == "draft";
}

void OpTableModel::setOps(std::vector<OpCost> ops)
{
    beginResetModel();
    ops_ = std::move(ops);
    std::map<std::string, double> phaseTime;
    for (const OpCost& op : ops_) phaseTime[op.phase] += op.timeS;
    share_.clear();
    for (const OpCost& op : ops_) {
        const double t = phaseTime[op.phase];
        share_.push_back(t > 0 ? op.timeS / t : 0.0);
    }
    endResetModel();
}

int OpTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(ops_.size()); }
int OpTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant OpTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const OpCost& op = ops_[size_t(index.row())];
    const double share = share_[size_t(index.row())];
    const int c = index.column();
    if (role == Qt::DisplayRole) {
        switch (c) {
        case Name: return q(op.name);
        case Phase: return q(op.phase);
        case Count: return op.count;
        case Shape: return shape(op);
        case Flops: return q(formatSi(op.flops, "FLOP"));
        case Bytes: return q(formatBytes(op.bytes));
        case Time: return q(formatSeconds(op.timeS));
        case Share: return QString::number(100 * share, 'f', 1) + " %";
        case BoundBy: return toString(op.bound);
        case Precision: return toString(op.precision);
        }
    }
    if (role == Qt::UserRole) { // what the column sorts by
        switch (c) {
        case Count: return op.count;
        case Shape: return double(op.m) * std::max<long long>(op.n, 1) * std::max<long long>(op.k, 1);
        case Flops: return op.flops;
        case Bytes: return op.bytes;
        case Time: return op.timeS;
        case Share: return share;
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::TextAlignmentRole && c != Name && c != Phase && c != BoundBy && c != Precision)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        QString tip = QString("%1 (%2), %3 time(s) in this figure: %4 FLOP, %5 moved (weights %6, KV %7), %8, %9-bound")
                          .arg(q(op.name), q(op.phase))
                          .arg(op.count)
                          .arg(q(formatSi(op.flops, "")), q(formatBytes(op.bytes)), q(formatBytes(op.weightBytes)),
                               q(formatBytes(op.kvBytes)), q(formatSeconds(op.timeS)), toString(op.bound));
        if (!op.detail.empty()) tip += "\n" + q(op.detail);
        return tip;
    }
    return {};
}

QVariant OpTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal) return {};
    static const char* names[] = {"operator", "phase", "count", "shape", "FLOPs", "bytes", "time", "share of phase",
                                  "bound", "precision"};
    static const char* tips[] = {"the operator, all layers together", "prefill: the whole prompt; decode: one step",
                                 "repetitions (layers) included in the figures", "GEMM M×N×K per device, or elements",
                                 "floating-point operations", "main-memory bytes moved", "time of the operator in its phase",
                                 "of the phase's operator time", "what limits it", "the precision it computes in"};
    if (section < 0 || section >= ColumnCount) return {};
    if (role == Qt::DisplayRole) return names[section];
    if (role == Qt::ToolTipRole) return tips[section];
    return {};
}

} // namespace llmdse
