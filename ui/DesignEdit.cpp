#include "ui/DesignEdit.h"

#include <QSet>

namespace llmdse {

namespace {

QString describe(const QStringList& keys, const QJsonObject& after)
{
    if (keys.size() != 1) return QString("Edit %1 settings").arg(keys.size());
    const QJsonValue v = after.value(keys.front());
    const QString value = v.isUndefined() ? QString("preset value")
                          : v.isDouble()  ? QString::number(v.toDouble(), 'g', 6)
                          : v.isBool()    ? QString(v.toBool() ? "on" : "off")
                                          : v.toString();
    return QString("Set %1 to %2").arg(QString(keys.front()).remove('_'), value);
}

} // namespace

DesignEdit::DesignEdit(Apply apply, QJsonObject before, QJsonObject after)
    : apply_(std::move(apply)), before_(std::move(before)), after_(std::move(after))
{
    keys_ = changedKeys(before_, after_);
    setText(describe(keys_, after_));
}

void DesignEdit::redo()
{
    if (applied_) {
        applied_ = false;
        return;
    }
    apply_(after_);
}

bool DesignEdit::mergeWith(const QUndoCommand* other)
{
    auto* o = static_cast<const DesignEdit*>(other);
    if (keys_.size() != 1 || o->keys_ != keys_) return false;
    after_ = o->after_;
    setText(describe(keys_, after_));
    return true;
}

QStringList DesignEdit::changedKeys(const QJsonObject& a, const QJsonObject& b)
{
    QSet<QString> all;
    for (const QString& k : a.keys()) all.insert(k);
    for (const QString& k : b.keys()) all.insert(k);
    QStringList out;
    for (const QString& k : all)
        if (a.value(k) != b.value(k)) out << k;
    out.sort();
    return out;
}

} // namespace llmdse
