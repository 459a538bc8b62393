#include "ui/DesignFieldModel.h"
#include "models/DesignFields.h"

#include <QFont>

namespace llmdse {

namespace {

QString text(const QJsonValue& v)
{
    if (v.isBool()) return v.toBool() ? "true" : "false";
    if (v.isDouble()) return QString::number(v.toDouble(), 'g', 8);
    return v.toString();
}

} // namespace

DesignFieldModel::DesignFieldModel(QObject* parent) : QAbstractTableModel(parent) {}

void DesignFieldModel::setDesign(const Design& d, const QJsonObject& overrides)
{
    std::vector<const DesignField*> fields;
    std::vector<QJsonValue> values;
    std::vector<const DesignField*> ordered; // model, then hardware, then runtime
    for (const char* prefix : {"model.", "hardware.", "runtime."})
        for (const DesignField& f : designFields())
            if (f.key.rfind(prefix, 0) == 0) ordered.push_back(&f);
    for (const DesignField* fp : ordered) {
        const DesignField& f = *fp;
        const QJsonValue v = f.read ? f.read(d) : QJsonValue();
        if (v.isNull() || v.isUndefined()) continue; // e.g. template fields on a preset GPU
        fields.push_back(&f);
        values.push_back(v);
    }
    if (fields == fields_) { // same rows: update values in place, so an open editor and the scroll position survive
        values_ = std::move(values);
        overrides_ = overrides;
        if (!fields_.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    fields_ = std::move(fields);
    values_ = std::move(values);
    overrides_ = overrides;
    endResetModel();
}

int DesignFieldModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(fields_.size()); }
int DesignFieldModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

int DesignFieldModel::rowOf(const QString& key) const
{
    for (size_t i = 0; i < fields_.size(); ++i)
        if (QString::fromStdString(fields_[i]->key) == key) return int(i);
    return -1;
}

QVariant DesignFieldModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()) return {};
    const DesignField& f = *fields_[size_t(index.row())];
    const QString key = QString::fromStdString(f.key);
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (index.column()) {
        case Key: return key;
        case Value: return text(values_[size_t(index.row())]);
        case Unit: return QString::fromStdString(f.unit);
        default: return {};
        }
    }
    if (role == Qt::FontRole && overrides_.contains(key)) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::ToolTipRole)
        return QString("%1: %2\n%3").arg(key, QString::fromStdString(f.help),
                                         overrides_.contains(key) ? "edited (replaces the preset's value)"
                                                                  : "from the preset; double-click the value to edit");
    return {};
}

QVariant DesignFieldModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal) return {};
    switch (section) {
    case Key: return "parameter";
    case Value: return "value";
    case Unit: return "unit";
    default: return {};
    }
}

Qt::ItemFlags DesignFieldModel::flags(const QModelIndex& index) const
{
    auto f = QAbstractTableModel::flags(index);
    return index.column() == Value ? f | Qt::ItemIsEditable : f;
}

bool DesignFieldModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.column() != Value || role != Qt::EditRole) return false;
    const DesignField& f = *fields_[size_t(index.row())];
    const QString t = value.toString().trimmed();
    QJsonValue v;
    switch (f.kind) {
    case DesignField::Kind::Integer:
    case DesignField::Kind::Number: {
        bool ok = false;
        const double x = t.toDouble(&ok);
        if (!ok) {
            Q_EMIT rejected(QString("%1: '%2' is not a number").arg(QString::fromStdString(f.key), t));
            return false;
        }
        v = x;
        break;
    }
    case DesignField::Kind::Boolean: v = t == "true" || t == "1" || t == "yes"; break;
    case DesignField::Kind::Text: v = t; break;
    }
    try {
        f.parse(v, f.key); // the field's own checks (range, integral, known names)
    } catch (const std::exception& e) {
        Q_EMIT rejected(QString::fromUtf8(e.what()));
        return false;
    }
    Q_EMIT edited(QString::fromStdString(f.key), v);
    return true;
}

} // namespace llmdse
