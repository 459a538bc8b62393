#include "ui/CompareModel.h"
#include "estimators/analytical/FitAdvice.h"
#include "models/DesignJson.h"
#include "ui/HeadlineMetrics.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QJsonValue>
#include <cmath>
#include <set>

namespace llmdse {

namespace {

// Inputs in the order a reader expects them; any other key (optimisations, edited properties) follows by name.
const char* kInputOrder[] = {"model", "hardware", "runtime", "estimator", "batch", "prompt", "output", "context",
                             "weights", "activations", "kv", "fused_attention", "tp", "pp", "ep"};

QString valueText(const QJsonValue& v)
{
    if (v.isUndefined() || v.isNull()) return "-";
    if (v.isString()) return v.toString();
    if (v.isBool()) return v.toBool() ? "yes" : "no";
    if (v.isDouble()) return QString::number(v.toDouble(), 'g', 8);
    return "…";
}

// "int8:g128" for a format or a preset, "batch 8" for a number: how a difference reads in a label.
QString labelPart(const QString& key, const QJsonValue& v)
{
    if (key == "model" || key == "hardware" || key == "runtime" || key == "estimator") return valueText(v);
    if (key == "weights" || key == "kv" || key == "activations") return key + " " + valueText(v);
    if (v.isBool()) return (v.toBool() ? "" : "no ") + key;
    return key + " " + valueText(v);
}

} // namespace

int CompareModel::metricCount() { return int(headlineMetrics(Metrics{}).size()); }

QString CompareModel::metricName(int metric)
{
    const auto h = headlineMetrics(Metrics{});
    return metric >= 0 && metric < int(h.size()) ? h[size_t(metric)].title() : QString();
}

QString CompareModel::metricUnit(int metric)
{
    const auto h = headlineMetrics(Metrics{});
    return metric >= 0 && metric < int(h.size()) ? h[size_t(metric)].unit() : QString();
}

int CompareModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : inputRowCount() + metricCount(); }
int CompareModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(pinned_.size()); }

double CompareModel::value(int metric, int column) const
{
    if (metric < 0 || metric >= metricCount() || column < 0 || column >= columnCount()) return std::nan("");
    return headlineMetrics(pinned_[size_t(column)].metrics)[size_t(metric)].value;
}

std::optional<std::pair<double, double>> CompareModel::interval(int metric, int column) const
{
    if (metric < 0 || metric >= metricCount() || column < 0 || column >= columnCount()) return std::nullopt;
    const PinnedDesign& p = pinned_[size_t(column)];
    return headlineMetrics(p.metrics, &p.uncertainty)[size_t(metric)].interval;
}

QString CompareModel::inputText(int inputRow, int column) const
{
    if (inputRow < 0 || inputRow >= inputRowCount() || column < 0 || column >= columnCount()) return {};
    return valueText(inputs_[size_t(column)].value(inputKeys_[inputRow]));
}

bool CompareModel::inputDiffers(int inputRow) const
{
    for (int c = 1; c < columnCount(); ++c)
        if (inputs_[size_t(c)].value(inputKeys_[inputRow]) != inputs_[0].value(inputKeys_[inputRow])) return true;
    return false;
}

bool CompareModel::fits(int column) const
{
    return column >= 0 && column < columnCount() && designFits(pinned_[size_t(column)].metrics);
}

QString CompareModel::label(int column) const
{
    if (column < 0 || column >= columnCount()) return {};
    const QString& given = pinned_[size_t(column)].label;
    return given.isEmpty() ? autoLabels_.value(column) : given;
}

QVariant CompareModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()) return {};
    const int row = index.row(), c = index.column();
    if (row < inputRowCount()) {
        if (role == Qt::DisplayRole) return inputText(row, c);
        if (role == Qt::FontRole && inputDiffers(row)) {
            QFont f;
            f.setBold(true);
            return f;
        }
        if (role == Qt::BackgroundRole) return QBrush(QColor(inputDiffers(row) ? "#eef3fb" : "#f7f7f7"));
        return {};
    }
    const int metric = row - inputRowCount();
    const double v = value(metric, c);
    const PinnedDesign& pin = pinned_[size_t(c)];
    const Headline h = headlineMetrics(pin.metrics, &pin.uncertainty)[size_t(metric)];
    const bool memoryRow = QLatin1String(h.key) == QLatin1String("memory");
    if (role == Qt::DisplayRole) {
        QString t = headlineText(h);
        if (memoryRow && !fits(c)) t += " (does not fit)";
        return t;
    }
    if (role == Qt::UserRole) return v;
    if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && !fits(c)) return QBrush(QColor(memoryRow ? "#b00020" : "#777"));
    if (role == Qt::ToolTipRole) {
        QStringList tip;
        if (!fits(c)) tip << QString("This design does not fit: %1").arg(QString::fromStdString(infeasibility(pin.metrics)));
        if (h.interval) tip << intervalTip(h, pin.uncertainty);
        return tip.isEmpty() ? QVariant() : QVariant(tip.join("\n"));
    }
    return {};
}

QVariant CompareModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o == Qt::Vertical) {
        if (role != Qt::DisplayRole) return {};
        if (section < inputRowCount()) return inputKeys_.value(section);
        return metricName(section - inputRowCount());
    }
    if (section < 0 || section >= columnCount()) return {};
    if (role == Qt::DisplayRole) return label(section) + (fits(section) ? QString() : QString(" ⚠"));
    if (role == Qt::ToolTipRole) {
        const auto& p = pinned_[size_t(section)];
        QString tip = QString("%1 on %2, batch %3, prompt %4, output %5, weights %6; %7 estimator")
                          .arg(QString::fromStdString(p.design.model.id), QString::fromStdString(p.design.hardware.id))
                          .arg(p.design.workload.batch)
                          .arg(p.design.workload.prompt)
                          .arg(p.design.workload.output)
                          .arg(QString::fromStdString(toString(p.design.opts.weights)), p.estimator);
        if (!fits(section)) tip += "\nDoes not fit: " + QString::fromStdString(infeasibility(p.metrics));
        return tip + "\nDouble-click to rename; right-click for more";
    }
    return {};
}

void CompareModel::refresh()
{
    inputs_.clear();
    for (const auto& p : pinned_) {
        QJsonObject o = toJson(p.design);
        o["model"] = QString::fromStdString(p.design.model.id); // a config's id, not its path
        o["estimator"] = p.estimator;
        inputs_.push_back(o);
    }
    std::set<QString> keys;
    for (const auto& o : inputs_)
        for (auto it = o.begin(); it != o.end(); ++it) keys.insert(it.key());
    QStringList ordered;
    for (const char* k : kInputOrder)
        if (keys.erase(k)) ordered << k;
    for (const QString& k : keys) ordered << k;
    inputKeys_ = ordered;
    // Labels: each design by the inputs that differ between the pinned designs; one design by its model and hardware.
    autoLabels_.clear();
    QStringList differing;
    for (int r = 0; r < inputRowCount(); ++r)
        if (inputDiffers(r)) differing << inputKeys_[r];
    for (const auto& o : inputs_) {
        QStringList parts;
        for (const QString& k : differing) parts << labelPart(k, o.value(k));
        if (parts.isEmpty()) parts << valueText(o.value("model")) << valueText(o.value("hardware"));
        autoLabels_ << parts.join(", ");
    }
}

int CompareModel::pin(PinnedDesign p)
{
    QJsonObject in = toJson(p.design);
    for (int c = 0; c < columnCount(); ++c)
        if (toJson(pinned_[size_t(c)].design) == in && pinned_[size_t(c)].estimator == p.estimator) return c;
    if (p.uncertainty.intervals.empty()) p.uncertainty = headlineUncertainty(p.design, p.metrics, p.estimator);
    beginResetModel(); // labels and input rows of every column may change
    pinned_.push_back(std::move(p));
    refresh();
    endResetModel();
    return -1;
}

void CompareModel::rename(int column, const QString& label)
{
    if (column < 0 || column >= columnCount()) return;
    pinned_[size_t(column)].label = label.trimmed();
    Q_EMIT headerDataChanged(Qt::Horizontal, column, column);
}

void CompareModel::clear()
{
    beginResetModel();
    pinned_.clear();
    refresh();
    endResetModel();
}

void CompareModel::unpin(int column)
{
    if (column < 0 || column >= columnCount()) return;
    beginResetModel();
    pinned_.erase(pinned_.begin() + column);
    refresh();
    endResetModel();
}

} // namespace llmdse
