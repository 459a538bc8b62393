#pragma once
// The Properties dock's model: every model, hardware and runtime parameter of
// the current design (the same dotted keys as design and study files), with its
// value, unit and meaning. Editing a value emits `edited`; the window keeps the
// edit as an override of the preset, which is shown in bold.
#include "core/Design.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <vector>

namespace llmdse {

struct DesignField;

class DesignFieldModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Key, Value, Unit, ColumnCount }; // the meaning is the key's tooltip
    explicit DesignFieldModel(QObject* parent = nullptr);
    // The design to show and the keys the user has overridden.
    void setDesign(const Design& d, const QJsonObject& overrides);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    int rowOf(const QString& key) const; // -1 when the design has no such field

Q_SIGNALS:
    void edited(const QString& key, const QJsonValue& value);
    void rejected(const QString& message); // a value the field does not accept

private:
    std::vector<const DesignField*> fields_; // those that apply to the design (templates add more)
    std::vector<QJsonValue> values_;
    QJsonObject overrides_;
};

} // namespace llmdse
