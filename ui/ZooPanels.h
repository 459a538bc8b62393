#pragma once
// The Model and Hardware docks: the bundled zoos with search, grouped by
// hardware class; a Hugging Face config.json or hardware JSON can be opened
// (or dropped on the window) and joins the list under its path.
#include <QWidget>

class QLineEdit;
class QListWidget;
class QTreeWidget;

namespace llmdse {

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(QWidget* parent = nullptr);
    QString current() const;
    bool select(const QString& idOrPath); // adds a path that is not in the list

Q_SIGNALS:
    void changed();

private:
    void filter(const QString& text);
    QLineEdit* search_;
    QListWidget* list_;
};

class HardwarePanel : public QWidget {
    Q_OBJECT
public:
    explicit HardwarePanel(QWidget* parent = nullptr);
    QString current() const;
    bool select(const QString& idOrPath);

Q_SIGNALS:
    void changed();

private:
    QTreeWidget* tree_;
};

} // namespace llmdse
