#pragma once
// Pinned designs side by side: one column per design; the inputs first (those
// that differ between the designs in bold), then the headline metrics with
// units. Columns are labelled by what differs between the pinned designs unless
// renamed. The Compare view's table and grouped bars and every comparison
// export read it.
#include "core/Design.h"
#include "core/Metrics.h"
#include "estimators/uncertainty/Uncertainty.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <optional>
#include <utility>
#include <vector>

namespace llmdse {

struct PinnedDesign {
    QString label;      // a name the user gave it; empty: labelled by what differs
    Design design;
    Metrics metrics;
    QString estimator;
    Uncertainty uncertainty; // the metrics' intervals; pin() computes them when empty
};

class CompareModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    // Adds the design and returns -1; a design already pinned (same inputs and estimator) is not
    // added again: its column is returned.
    int pin(PinnedDesign p);
    void unpin(int column);
    void rename(int column, const QString& label); // "" goes back to the automatic label
    void clear();
    const std::vector<PinnedDesign>& pinned() const { return pinned_; }
    QString label(int column) const; // as shown: the given name, or what differs
    bool fits(int column) const;

    // Rows: inputRowCount() input rows, then metricCount() metric rows.
    int inputRowCount() const { return int(inputKeys_.size()); }
    QString inputKey(int inputRow) const { return inputKeys_.value(inputRow); }
    QString inputText(int inputRow, int column) const;
    bool inputDiffers(int inputRow) const;
    static int metricCount();
    static QString metricName(int metric);
    static QString metricUnit(int metric); // SI unit of value()
    int rowOfMetric(int metric) const { return inputRowCount() + metric; }
    // Metric `metric` of design `column` in SI units (for charts); NaN when unknown.
    double value(int metric, int column) const;
    // Its interval (lo, hi in the same unit); nullopt when it has none (memory, area).
    std::optional<std::pair<double, double>> interval(int metric, int column) const;

private:
    void refresh(); // input rows and automatic labels after the set of pins changed
    std::vector<PinnedDesign> pinned_;
    std::vector<QJsonObject> inputs_; // design-file keys of each pin, plus "estimator"
    QStringList inputKeys_;
    QStringList autoLabels_;
};

} // namespace llmdse
