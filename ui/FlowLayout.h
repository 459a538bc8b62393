#pragma once
// A layout that places its widgets left to right and wraps to a new row when the
// width runs out (the Results view's metric cards), so a narrow window shows every
// card instead of cutting them off or asking for a horizontal scroll bar.
#include <QLayout>
#include <QList>

namespace llmdse {

class FlowLayout : public QLayout {
public:
    explicit FlowLayout(QWidget* parent = nullptr, int spacing = 8);
    ~FlowLayout() override;
    void addItem(QLayoutItem* item) override;
    int count() const override { return int(items_.size()); }
    QLayoutItem* itemAt(int index) const override { return items_.value(index); }
    QLayoutItem* takeAt(int index) override;
    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return arrange(QRect(0, 0, width, 0), false); }
    QSize minimumSize() const override;
    QSize sizeHint() const override { return minimumSize(); }
    void setGeometry(const QRect& rect) override;

private:
    int arrange(const QRect& rect, bool apply) const; // the height used
    QList<QLayoutItem*> items_;
    int spacing_;
};

// A label and its field as one item of a flow, so that wrapping never parts them.
QWidget* labelledField(const QString& label, QWidget* field);

} // namespace llmdse
