#pragma once
// One undoable edit of the docks: the whole design before and after (design
// keys plus "_estimator"). Consecutive changes of the same single key merge,
// so spinning the batch from 1 to 64 is one step back.
#include <QJsonObject>
#include <QUndoCommand>
#include <functional>

namespace llmdse {

class DesignEdit : public QUndoCommand {
public:
    using Apply = std::function<void(const QJsonObject&)>;
    DesignEdit(Apply apply, QJsonObject before, QJsonObject after);
    void undo() override { apply_(before_); }
    void redo() override;
    int id() const override { return 1; }
    bool mergeWith(const QUndoCommand* other) override;
    // The keys whose values differ between two designs.
    static QStringList changedKeys(const QJsonObject& a, const QJsonObject& b);

private:
    Apply apply_;
    QJsonObject before_, after_;
    QStringList keys_;
    bool applied_ = true; // pushed after the edit happened: the first redo has nothing to do
};

} // namespace llmdse
