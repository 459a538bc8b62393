#include "ui/ZooPanels.h"
#include "core/HardwareZoo.h"
#include "core/Json.h"
#include "models/ModelZoo.h"

#include <QFileDialog>
#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QHeaderView>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <map>

namespace llmdse {

namespace {

// An opened config is named by its model: Hugging Face writes the repository it came from as
// `_name_or_path`; without one, the folder holding the file names it (config.json itself never does).
QString modelFileLabel(const QString& path)
{
    QString name;
    try {
        const QJsonObject o = readJsonObjectFile(path.toStdString());
        for (const char* key : {"_name_or_path", "name_or_path"})
            if (o.value(key).isString() && !o.value(key).toString().trimmed().isEmpty())
                name = o.value(key).toString().trimmed().section('/', -1, -1, QString::SectionSkipEmpty);
    } catch (const std::exception&) {
        // unreadable: the estimate will say why; the list shows the file's place
    }
    const QFileInfo f(path);
    if (name.isEmpty()) name = f.fileName() == "config.json" ? f.dir().dirName() : f.completeBaseName();
    return name + "  (" + f.fileName() + ")";
}

} // namespace

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent), search_(new QLineEdit), list_(new QListWidget)
{
    search_->setPlaceholderText("Search models...");
    list_->setObjectName("modelList");
    for (const auto& m : modelZoo()) {
        auto* item = new QListWidgetItem(QString("%1  (%2 B)").arg(QString::fromStdString(m.id)).arg(m.totalParams() / 1e9, 0, 'g', 3));
        item->setData(Qt::UserRole, QString::fromStdString(m.id));
        item->setToolTip(QString::fromStdString(m.source));
        list_->addItem(item);
    }
    auto* open = new QPushButton("Open config.json...");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(search_);
    layout->addWidget(list_);
    layout->addWidget(open);
    connect(search_, &QLineEdit::textChanged, this, &ModelPanel::filter);
    connect(list_, &QListWidget::currentRowChanged, this, [this] { Q_EMIT changed(); });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, "Open a Hugging Face config.json", {}, "JSON (*.json)");
        if (!f.isEmpty()) select(f);
    });
}

void ModelPanel::filter(const QString& text)
{
    for (int i = 0; i < list_->count(); ++i)
        list_->item(i)->setHidden(!list_->item(i)->text().contains(text, Qt::CaseInsensitive));
}

QString ModelPanel::current() const
{
    auto* item = list_->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

bool ModelPanel::select(const QString& idOrPath)
{
    for (int i = 0; i < list_->count(); ++i)
        if (list_->item(i)->data(Qt::UserRole).toString() == idOrPath) {
            list_->setCurrentRow(i);
            return true;
        }
    auto* item = new QListWidgetItem(modelFileLabel(idOrPath));
    item->setData(Qt::UserRole, idOrPath);
    item->setToolTip(idOrPath);
    list_->addItem(item);
    list_->setCurrentItem(item);
    return true;
}

HardwarePanel::HardwarePanel(QWidget* parent) : QWidget(parent), tree_(new QTreeWidget)
{
    tree_->setObjectName("hardwareTree");
    tree_->setHeaderLabels({"preset", "memory"});
    // The preset's name is what a user picks by: it keeps its width, the memory column gives way.
    tree_->header()->setStretchLastSection(true);
    tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    tree_->setTextElideMode(Qt::ElideRight);
    std::map<std::string, QTreeWidgetItem*> groups;
    for (const auto& h : hardwareZoo()) {
        auto& g = groups[toString(h.cls)];
        if (!g) {
            g = new QTreeWidgetItem(tree_, {QString(toString(h.cls)).toUpper()});
            g->setFlags(Qt::ItemIsEnabled);
            g->setExpanded(true);
        }
        auto* item = new QTreeWidgetItem(g, {QString::fromStdString(h.id), QString::fromStdString(h.mainMemory().name)});
        item->setData(0, Qt::UserRole, QString::fromStdString(h.id));
        item->setToolTip(0, QString::fromStdString(h.name + "\n" + h.source));
        item->setToolTip(1, QString::fromStdString(h.mainMemory().name));
    }
    auto* open = new QPushButton("Open hardware JSON...");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(tree_);
    layout->addWidget(open);
    connect(tree_, &QTreeWidget::currentItemChanged, this, [this] { Q_EMIT changed(); });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, "Open a hardware description", {}, "JSON (*.json)");
        if (!f.isEmpty()) select(f);
    });
}

QString HardwarePanel::current() const
{
    auto* item = tree_->currentItem();
    return item ? item->data(0, Qt::UserRole).toString() : QString();
}

bool HardwarePanel::select(const QString& idOrPath)
{
    for (QTreeWidgetItemIterator it(tree_); *it; ++it)
        if ((*it)->data(0, Qt::UserRole).toString() == idOrPath) {
            tree_->setCurrentItem(*it);
            return true;
        }
    auto* item = new QTreeWidgetItem(tree_, {QFileInfo(idOrPath).fileName(), "file"});
    item->setData(0, Qt::UserRole, idOrPath);
    tree_->setCurrentItem(item);
    return true;
}

} // namespace llmdse
