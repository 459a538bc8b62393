#include "ui/FlowLayout.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QWidget>
#include <algorithm>

namespace llmdse {

FlowLayout::FlowLayout(QWidget* parent, int spacing) : QLayout(parent), spacing_(spacing)
{
    setContentsMargins(0, 0, 0, 0);
}

FlowLayout::~FlowLayout()
{
    while (QLayoutItem* item = takeAt(0)) delete item;
}

void FlowLayout::addItem(QLayoutItem* item) { items_.append(item); }

QLayoutItem* FlowLayout::takeAt(int index)
{
    return index >= 0 && index < items_.size() ? items_.takeAt(index) : nullptr;
}

QSize FlowLayout::minimumSize() const
{
    QSize s;
    for (const QLayoutItem* item : items_) s = s.expandedTo(item->minimumSize());
    const QMargins m = contentsMargins();
    return s + QSize(m.left() + m.right(), m.top() + m.bottom());
}

void FlowLayout::setGeometry(const QRect& rect)
{
    QLayout::setGeometry(rect);
    arrange(rect, true);
}

int FlowLayout::arrange(const QRect& rect, bool apply) const
{
    const QRect r = rect.marginsRemoved(contentsMargins());
    // Each row's items share the row's spare width, so the cards line up in a grid-like band.
    int y = r.y(), used = 0;
    for (int first = 0; first < items_.size();) {
        int last = first, width = items_[first]->sizeHint().width(), height = items_[first]->sizeHint().height();
        while (last + 1 < items_.size() && width + spacing_ + items_[last + 1]->sizeHint().width() <= r.width()) {
            ++last;
            width += spacing_ + items_[last]->sizeHint().width();
            height = std::max(height, items_[last]->sizeHint().height());
        }
        const int n = last - first + 1;
        const int spare = std::max(0, r.width() - width);
        int x = r.x();
        for (int i = first; i <= last; ++i) {
            const int w = std::min(r.width(), items_[i]->sizeHint().width() + spare / n + (i - first < spare % n ? 1 : 0));
            if (apply) items_[i]->setGeometry(QRect(x, y, w, height));
            x += w + spacing_;
        }
        y += height + spacing_;
        used = y - spacing_ - r.y();
        first = last + 1;
    }
    const QMargins m = contentsMargins();
    return used + m.top() + m.bottom();
}

QWidget* labelledField(const QString& label, QWidget* field)
{
    auto* pair = new QWidget;
    auto* l = new QHBoxLayout(pair);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(new QLabel(label));
    l->addWidget(field);
    return pair;
}

} // namespace llmdse
