#include "ui/MainWindow.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "estimators/Estimator.h"
#include "models/DesignJson.h"
#include "ui/CheckView.h"
#include "ui/FpgaPlanView.h"
#include "ui/CompareModel.h"
#include "ui/CompareView.h"
#include "ui/DesignEdit.h"
#include "ui/DesignFieldModel.h"
#include "ui/EstimateRunner.h"
#include "ui/Exports.h"
#include "ui/LiteratureView.h"
#include "ui/Project.h"
#include "ui/ReportFile.h"
#include "ui/ResultsView.h"
#include "ui/ServingView.h"
#include "ui/SweepView.h"
#include "ui/WorkloadPanel.h"
#include "ui/ZooPanels.h"

#include <QApplication>
#include <QDir>
#include <QRegularExpression>
#include <QDialog>
#include <QDialogButtonBox>
#include <QResizeEvent>
#include <QScreen>
#include <QTextBrowser>
#include <QTreeWidget>
#include <algorithm>
#include <cmath>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace llmdse {

namespace {

constexpr int kMaxRecent = 8;
constexpr int kStateVersion = 2; // bump when the docks change, so a saved layout of older docks is not applied
constexpr int kLeftDockWidth = 230, kRightDockWidth = 300;
const QSize kDefaultSize(1440, 900);
bool isWorkloadKey(const QString& k) { return WorkloadPanel::ownsKey(k); }

void dropPrefixed(QJsonObject& o, std::initializer_list<const char*> prefixes)
{
    for (const QString& k : o.keys())
        for (const char* p : prefixes)
            if (k.startsWith(QLatin1String(p))) o.remove(k);
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), model_(new ModelPanel), hardware_(new HardwarePanel), workload_(new WorkloadPanel),
      results_(new ResultsView), literature_(new LiteratureView), tabs_(new QTabWidget),
      runner_(new EstimateRunner(this)), compare_(new CompareModel(this)), fields_(new DesignFieldModel(this)),
      undo_(new QUndoStack(this))
{
    setWindowTitle("untitled[*] - llmdse");
    resize(kDefaultSize.boundedTo(QGuiApplication::primaryScreen() ? QGuiApplication::primaryScreen()->availableSize()
                                                                     : kDefaultSize));
    setAcceptDrops(true);
    auto dock = [this](const char* title, QWidget* w, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(QString(title).remove(' ').remove('&'));
        d->setWidget(w);
        addDockWidget(area, d);
        sideDocks_.push_back(d);
        return d;
    };
    dock("Model", model_, Qt::LeftDockWidgetArea);
    dock("Hardware", hardware_, Qt::LeftDockWidgetArea);
    auto* workloadScroll = new QScrollArea; // the optimisations make it taller than a laptop screen
    workloadScroll->setWidget(workload_);
    workloadScroll->setWidgetResizable(true);
    workloadScroll->setFrameShape(QFrame::NoFrame);
    workloadScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    workloadScroll->setMinimumWidth(workload_->minimumSizeHint().width() + 16); // never cut: the dock is at least this wide
    QDockWidget* workloadDock = dock("Workload and Optimizations", workloadScroll, Qt::RightDockWidgetArea);

    // Properties: every parameter of the chosen model, hardware (template) and runtime, editable.
    auto* props = new QWidget;
    auto* filter = new QLineEdit;
    filter->setPlaceholderText("Filter properties (model., hardware., runtime. ...)");
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(fields_);
    proxy->setFilterKeyColumn(DesignFieldModel::Key);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    auto* table = new QTableView;
    table->setObjectName("propertiesTable");
    table->setModel(proxy);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(DesignFieldModel::Key, QHeaderView::Stretch);
    table->setMinimumWidth(220);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                           QAbstractItemView::AnyKeyPressed);
    auto* reset = new QPushButton("Reset edited properties");
    auto* propsLayout = new QVBoxLayout(props);
    propsLayout->setContentsMargins(4, 4, 4, 4);
    propsLayout->addWidget(filter);
    propsLayout->addWidget(table);
    propsLayout->addWidget(reset);
    connect(filter, &QLineEdit::textChanged, proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(reset, &QPushButton::clicked, this, &MainWindow::resetProperties);
    connect(fields_, &DesignFieldModel::edited, this, &MainWindow::editProperty);
    connect(fields_, &DesignFieldModel::rejected, this, [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    tabifyDockWidget(workloadDock, dock("Properties", props, Qt::RightDockWidgetArea));
    workloadDock->raise();

    // Results and Sweep scroll vertically on a short screen instead of squeezing their charts.
    auto scrolled = [](QWidget* view, const char* name) {
        auto* scroll = new QScrollArea;
        scroll->setObjectName(name);
        scroll->setWidget(view);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        return scroll;
    };
    tabs_->setObjectName("views");
    tabs_->addTab(scrolled(results_, "resultsScroll"), "Results");
    sweep_ = new SweepView([this] { return currentDesign(); });
    tabs_->addTab(scrolled(sweep_, "sweepScroll"), "Sweep");
    connect(sweep_, &SweepView::openDesign, this, [this](const QJsonObject& d) {
        loadDesign(d);
        showView("results");
    });
    connect(sweep_, &SweepView::finished, this, [this] { setWindowModified(true); });
    compareView_ = new CompareView(compare_);
    tabs_->addTab(compareView_, "Compare");
    connect(compareView_, &CompareView::openDesign, this, [this](const QJsonObject& d) {
        loadDesign(d);
        showView("results");
    });
    tabs_->addTab(literature_, "Literature");
    check_ = new CheckView([this] { return currentDesign(); });
    tabs_->addTab(check_, "Check");
    serving_ = new ServingView([this] { return currentDesign(); }, [this] { return estimatorId(); });
    tabs_->addTab(serving_, "Serving");
    tabs_->addTab(new FpgaPlanView([this] { return currentDesign(); }), "FPGA plan");
    setCentralWidget(tabs_);
    resizeDocks({sideDocks_[0], workloadDock}, {kLeftDockWidth, kRightDockWidth}, Qt::Horizontal);
    resizeDocks({sideDocks_[0], sideDocks_[1]}, {360, 440}, Qt::Vertical);
    defaultState_ = saveState(kStateVersion);
    buildMenus();

    connect(model_, &ModelPanel::changed, this, [this] {
        if (!applying_) dropPrefixed(overrides_, {"model."}); // edits belong to the model they were made on
        edited();
    });
    connect(hardware_, &HardwarePanel::changed, this, [this] {
        if (!applying_) {
            dropPrefixed(overrides_, {"hardware.", "runtime."});
            overrides_.remove("runtime");
        }
        edited();
    });
    connect(workload_, &WorkloadPanel::changed, this, &MainWindow::edited);
    connect(undo_, &QUndoStack::cleanChanged, this, [this](bool clean) { setWindowModified(!clean); });
    connect(runner_, &EstimateRunner::estimateAvailable, this,
            [this](const Design& d, const Metrics& m, double s, const Uncertainty& u) {
                design_ = d;
                metrics_ = m;
                uncertainty_ = u;
                haveEstimate_ = true;
                results_->showEstimate(d, m, estimatorId(), u);
                literature_->showDesign(d, m);
                sweep_->showOpenDesign(m);
                statusBar()->showMessage(QString("%1 on %2: estimated in %3 ms by the %4 estimator")
                                             .arg(QString::fromStdString(d.model.id), QString::fromStdString(d.hardware.id))
                                             .arg(s * 1e3, 0, 'f', 2)
                                             .arg(estimatorId()));
                Q_EMIT resultsShown();
            });
    connect(runner_, &EstimateRunner::estimateFailed, this, &MainWindow::showFailure);

    applying_ = true;
    model_->select("llama-3-8b");
    hardware_->select("h100-sxm");
    applying_ = false;
    lastSnapshot_ = snapshot();
    QSettings settings; // per user: where the window was and how its docks were arranged
    restoreGeometry(settings.value("window/geometry").toByteArray());
    layoutRestored_ = restoreState(settings.value("window/state").toByteArray(), kStateVersion); // an older layout is ignored
    estimate();
}

void MainWindow::resetLayout()
{
    for (QDockWidget* d : sideDocks_) {
        d->setFloating(false);
        d->show();
    }
    restoreState(defaultState_, kStateVersion);
    fitDocksToWindow();
    statusBar()->showMessage("Layout reset", 4000);
}

void MainWindow::fitDocksToWindow()
{
    // A wide screen gives the side docks room too (the hardware tree's memory column, the workload's combo boxes).
    const int w = width();
    resizeDocks({sideDocks_[0], sideDocks_[2]},
                {std::clamp(w * 16 / 100, kLeftDockWidth, 340), std::clamp(w * 21 / 100, kRightDockWidth, 420)}, Qt::Horizontal);
}

void MainWindow::showEvent(QShowEvent* e)
{
    QMainWindow::showEvent(e);
    if (!shownOnce_ && !layoutRestored_) fitDocksToWindow(); // the size it opens at may not be the one it was built at
    shownOnce_ = true;
}

void MainWindow::resizeEvent(QResizeEvent* e)
{
    QMainWindow::resizeEvent(e);
    const int before = e->oldSize().width(), now = e->size().width();
    if (before <= 0 || now == before || !isVisible()) return;
    // The side docks keep their share of the window: narrower when it shrinks, wider again when it grows
    // (by themselves Qt's docks keep their width and the central view takes every change).
    QList<QDockWidget*> docks;
    QList<int> widths;
    for (QDockWidget* d : sideDocks_) {
        if (d->isFloating() || d->isHidden() || dockWidgetArea(d) == Qt::NoDockWidgetArea) continue;
        docks << d;
        widths << std::clamp(int(std::lround(d->width() * double(now) / before)), d->minimumSizeHint().width(),
                             std::max(d->minimumSizeHint().width(), now * 3 / 10));
    }
    if (!docks.isEmpty()) resizeDocks(docks, widths, Qt::Horizontal);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu("&File");
    file->addAction("&New project", QKeySequence::New, this, [this] {
        if (maybeSave()) newProject();
    });
    file->addAction("&Open project...", QKeySequence::Open, this, [this] {
        if (!maybeSave()) return;
        const QString f = QFileDialog::getOpenFileName(this, "Open a project", QSettings().value("lastDir").toString(),
                                                       "llmdse projects (*.llmdse);;All files (*)");
        if (!f.isEmpty()) guardedAction([&] { openProject(f); });
    });
    recentMenu_ = file->addMenu("Open &recent");
    fillRecentMenu();
    file->addAction("&Save project", QKeySequence::Save, this, [this] {
        QString f = projectPath_;
        if (f.isEmpty()) f = askExportPath("Save the project", "project", "llmdse projects (*.llmdse)");
        if (!f.isEmpty()) guardedAction([&] { saveProjectAs(f); });
    });
    file->addAction("Save project &as...", QKeySequence::SaveAs, this, [this] {
        const QString f = askExportPath("Save the project as", "project", "llmdse projects (*.llmdse)");
        if (!f.isEmpty()) guardedAction([&] { saveProjectAs(f); });
    });
    file->addSeparator();
    file->addAction("Open &design file...", this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, "Open a design file", {}, "Design JSON (*.json)");
        if (f.isEmpty()) return;
        guardedAction([&] {
            loadDesign(readJsonObjectFile(f.toStdString())); // validates on the estimate; errors show in Results
        });
    });
    file->addAction("Save design &file as...", this, [this] {
        const QString f = askExportPath("Save the design as", "design", "Design JSON (*.json)");
        if (f.isEmpty()) return;
        guardedAction([&] {
            QSaveFile out(f);
            const QByteArray bytes = QJsonDocument(currentDesign()).toJson(QJsonDocument::Indented);
            if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
                throw InputError(f.toStdString(), "", "cannot write: " + out.errorString().toStdString());
        });
    });
    QMenu* exp = file->addMenu("&Export");
    const QString reportFilter = "PDF report (*.pdf);;HTML report (*.html)";
    auto exportAction = [this, exp](const QString& title, const QString& kind, const QString& filter,
                                    void (MainWindow::*fn)(const QString&) const) {
        exp->addAction(title, this, [this, title, kind, filter, fn] {
            const QString f = askExportPath(title, kind, filter);
            if (f.isEmpty()) return;
            if (guardedAction([&] { (this->*fn)(f); })) statusBar()->showMessage("Exported " + f, 8000);
        });
    };
    exportAction("Design report...", "report", reportFilter, &MainWindow::exportDesign);
    exportAction("Design data...", "operators", "CSV, one row per op (*.csv);;JSON (*.json)", &MainWindow::exportDesign);
    exp->addSeparator();
    exportAction("Comparison report...", "comparison", reportFilter, &MainWindow::exportComparison);
    exportAction("Comparison data...", "comparison", "CSV (*.csv);;JSON (*.json)", &MainWindow::exportComparison);
    exp->addSeparator();
    exportAction("Sweep report...", "sweep", reportFilter, &MainWindow::exportSweep);
    exportAction("Sweep data...", "sweep", "CSV (*.csv);;JSON (*.json);;SQLite (*.sqlite)", &MainWindow::exportSweep);
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu("&Edit");
    QAction* undo = undo_->createUndoAction(this, "&Undo");
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = undo_->createRedoAction(this, "&Redo");
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction("Reset edited &properties", this, &MainWindow::resetProperties);

    QMenu* designMenu = menuBar()->addMenu("&Design");
    designMenu->addAction("&Pin for comparison", QKeySequence("Ctrl+P"), this, &MainWindow::pinCurrent);
    designMenu->addAction("&Unpin the selected design", QKeySequence("Ctrl+Shift+P"), this,
                          [this] { compareView_->unpinCurrent(); });
    designMenu->addAction("Unpin &all", this, [this] { compare_->clear(); });
    QMenu* view = menuBar()->addMenu("&View");
    view->addActions(createPopupMenu()->actions());
    view->addSeparator();
    view->addAction("&Reset layout", this, &MainWindow::resetLayout);
    buildHelpMenu();
}

void MainWindow::buildHelpMenu()
{
    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction("Workbench &guide", QKeySequence::HelpContents, this, [this] {
        // The README's workbench section, compiled in so it matches this build; screenshots left out.
        QFile f(":/guide/README.md");
        QString text = f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
        const int begin = text.indexOf("\n## The workbench");
        const int end = begin < 0 ? -1 : text.indexOf("\n## ", begin + 5);
        text = begin < 0 ? text : text.mid(begin, end < 0 ? -1 : end - begin);
        text.remove(QRegularExpression("!\\[[^\\]]*\\]\\([^)]*\\)\\n?"));
        auto* dialog = new QDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowTitle("llmdse: the workbench");
        auto* browser = new QTextBrowser;
        browser->setObjectName("guideBrowser");
        browser->setOpenExternalLinks(true);
        browser->setMarkdown(text);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
        connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
        auto* l = new QVBoxLayout(dialog);
        l->addWidget(browser);
        l->addWidget(buttons);
        dialog->resize(820, 640);
        dialog->show();
    });
    help->addAction("&Keyboard shortcuts", this, [this] {
        auto* dialog = new QDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowTitle("llmdse: keyboard shortcuts");
        auto* list = new QTreeWidget;
        list->setObjectName("shortcutList");
        list->setHeaderLabels({"action", "keys"});
        list->setRootIsDecorated(false);
        std::function<void(const QMenu*, const QString&)> walk = [&](const QMenu* m, const QString& path) {
            for (const QAction* a : m->actions()) {
                const QString name = path + QString(a->text()).remove('&').remove("...");
                if (a->menu()) walk(a->menu(), name + " > ");
                else if (!a->shortcut().isEmpty())
                    new QTreeWidgetItem(list, {name, a->shortcut().toString(QKeySequence::NativeText)});
            }
        };
        for (const QAction* a : menuBar()->actions())
            if (a->menu()) walk(a->menu(), QString(a->text()).remove('&') + " > ");
        new QTreeWidgetItem(list, {"Results > operator table: sort", "click a column header"});
        new QTreeWidgetItem(list, {"Compare: rename a design", "double-click its header"});
        new QTreeWidgetItem(list, {"Sweep: apply the table filter", "Enter"});
        list->resizeColumnToContents(0);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
        connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
        auto* l = new QVBoxLayout(dialog);
        l->addWidget(list);
        l->addWidget(buttons);
        dialog->resize(560, 460);
        dialog->show();
    });
    help->addSeparator();
    help->addAction("&About llmdse", this, [this] {
        QMessageBox::about(
            this, "About llmdse",
            QString("<h3>llmdse</h3><p>%1, built with Qt %2 (running on %3).</p>"
                    "<p>Design-space exploration for LLM inference hardware: estimates, sweeps, comparisons and "
                    "checks on this computer.</p>"
                    "<p><b>Sources.</b> Every hardware preset, runtime profile and model names its source: in its tooltip, "
                    "in the Properties dock, in each report's provenance and in <code>llmdse zoo</code>. The Literature "
                    "view's published measurements come from the data release of Li et al., arXiv 2410.04466. "
                    "The calibrated GPU profiles' measurements and the script that took them are in the repository's "
                    "<code>resources/validation</code>.</p>")
                .arg(QCoreApplication::applicationVersion().isEmpty() ? QString("llmdse") : QCoreApplication::applicationVersion(),
                     QT_VERSION_STR, qVersion()));
    });
}

QString MainWindow::proposedExportPath(const QString& kind, const QString& extension) const
{
    QString folder = QSettings().value("lastDir").toString();
    QString base;
    if (!projectPath_.isEmpty()) {
        folder = QFileInfo(projectPath_).absolutePath();
        base = QFileInfo(projectPath_).completeBaseName();
    } else {
        base = QString("%1-%2").arg(QString::fromStdString(design_.model.id), QString::fromStdString(design_.hardware.id));
        if (!haveEstimate_) base = "llmdse";
    }
    if (folder.isEmpty()) folder = QDir::homePath();
    base.replace(QRegularExpression("[^A-Za-z0-9._-]+"), "-");
    return QDir(folder).filePath((kind == "project" ? base : base + "-" + kind) + "." + extension);
}

QString MainWindow::askExportPath(const QString& title, const QString& kind, const QString& filter)
{
    // The first filter's extension names the proposal; a name typed without one gets the chosen filter's.
    auto extensionOf = [](const QString& f) {
        const auto m = QRegularExpression("\\*\\.([A-Za-z0-9]+)").match(f);
        return m.hasMatch() ? m.captured(1) : QString();
    };
    QFileDialog dialog(this, title, proposedExportPath(kind, extensionOf(filter)), filter);
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setDefaultSuffix(extensionOf(filter));
    connect(&dialog, &QFileDialog::filterSelected, &dialog,
            [&dialog, extensionOf](const QString& f) { dialog.setDefaultSuffix(extensionOf(f)); });
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return {};
    const QString path = dialog.selectedFiles().front();
    QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
    return path;
}

QString MainWindow::estimatorId() const
{
    const QString chosen = workload_->estimator();
    if (chosen != WorkloadPanel::kPerClassEstimator) return chosen;
    // The estimator the hardware class names (an FPGA's compiled plan), as `evaluate` picks it.
    try {
        return QString::fromStdString(defaultEstimatorId(designFromJson(currentDesign())));
    } catch (const std::exception&) {
        return "analytical"; // a design being edited into shape: its errors show where it is evaluated
    }
}

bool MainWindow::pinCurrent()
{
    if (!haveEstimate_) {
        statusBar()->showMessage("Nothing to pin: the design has no estimate", 8000);
        return false;
    }
    const int existing = compare_->pin({{}, design_, metrics_, estimatorId(), uncertainty_});
    if (existing >= 0) {
        statusBar()->showMessage(QString("Already pinned as \u201c%1\u201d (column %2 in Compare); not pinned again")
                                     .arg(compare_->label(existing))
                                     .arg(existing + 1),
                                 10000);
        return false;
    }
    setWindowModified(true);
    statusBar()->showMessage(QString("Pinned \u201c%1\u201d (%2 in Compare)")
                                 .arg(compare_->label(compare_->columnCount() - 1))
                                 .arg(compare_->columnCount()),
                             8000);
    return true;
}

bool MainWindow::showView(const QString& name)
{
    for (int i = 0; i < tabs_->count(); ++i)
        if (tabs_->tabText(i).compare(name, Qt::CaseInsensitive) == 0) {
            tabs_->setCurrentIndex(i);
            return true;
        }
    return false;
}

QJsonObject MainWindow::currentDesign() const
{
    QJsonObject o = workload_->values();
    for (auto it = overrides_.begin(); it != overrides_.end(); ++it) o[it.key()] = it.value();
    o["model"] = model_->current();
    o["hardware"] = hardware_->current();
    return o;
}

QJsonObject MainWindow::snapshot() const
{
    QJsonObject o = currentDesign();
    o["_estimator"] = workload_->estimator(); // the choice, so a per-class project stays per class
    return o;
}

void MainWindow::loadDesign(const QJsonObject& design)
{
    applying_ = true;
    const QString model = model_->current(), hardware = hardware_->current();
    if (design.contains("model")) model_->select(design["model"].toString());
    if (design.contains("hardware")) hardware_->select(design["hardware"].toString());
    if (model_->current() != model) dropPrefixed(overrides_, {"model."});
    if (hardware_->current() != hardware) {
        dropPrefixed(overrides_, {"hardware.", "runtime."});
        overrides_.remove("runtime");
    }
    workload_->setValues(design);
    if (design.contains("_estimator")) workload_->setEstimator(design["_estimator"].toString());
    for (auto it = design.begin(); it != design.end(); ++it)
        if (it.key() != "model" && it.key() != "hardware" && !it.key().startsWith('_') && !isWorkloadKey(it.key()))
            overrides_[it.key()] = it.value();
    applying_ = false;
    edited(); // one undo step for the whole load
}

void MainWindow::applySnapshot(const QJsonObject& s)
{
    applying_ = true;
    overrides_ = {};
    model_->select(s["model"].toString());
    hardware_->select(s["hardware"].toString());
    workload_->setValues(s, true);
    workload_->setEstimator(s["_estimator"].toString());
    for (auto it = s.begin(); it != s.end(); ++it)
        if (it.key() != "model" && it.key() != "hardware" && !it.key().startsWith('_') && !isWorkloadKey(it.key()))
            overrides_[it.key()] = it.value();
    applying_ = false;
    lastSnapshot_ = snapshot();
    estimate();
}

void MainWindow::edited()
{
    if (applying_) return;
    const QJsonObject now = snapshot();
    if (now != lastSnapshot_) {
        undo_->push(new DesignEdit([this](const QJsonObject& s) { applySnapshot(s); }, lastSnapshot_, now));
        lastSnapshot_ = now;
    }
    estimate();
}

void MainWindow::editProperty(const QString& key, const QJsonValue& value)
{
    overrides_[key] = value;
    edited();
}

void MainWindow::resetProperties()
{
    dropPrefixed(overrides_, {"model.", "hardware.", "runtime."});
    edited();
}

void MainWindow::estimate()
{
    const QJsonObject o = currentDesign();
    if (o["model"].toString().isEmpty() || o["hardware"].toString().isEmpty()) return;
    sweep_->designChanged(); // the builder's base follows the docks (unless the study was edited as JSON)
    check_->refresh();       // the RAM and time the Check view expects
    try {
        const Design d = designFromJson(o);
        fields_->setDesign(d, overrides_);
        runner_->submit(d, estimatorId());
    } catch (const std::exception& e) { // a design that cannot even be assembled (bad file, tp > heads ...)
        showFailure(QString::fromUtf8(e.what()));
    }
}

void MainWindow::showFailure(const QString& message)
{
    haveEstimate_ = false; // nothing stale can be pinned or exported as this design
    results_->showError(message);
    statusBar()->showMessage("Cannot estimate: " + message);
    Q_EMIT resultsShown();
}

void MainWindow::newProject()
{
    compare_->clear();
    sweep_->restore({}, nullptr, {});
    applySnapshot({{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}, {"batch", 1}, {"prompt", 512}, {"output", 128},
                   {"weights", "fp16"}, {"activations", "fp16"}, {"kv", "fp16"}, {"fused_attention", true},
                   {"tp", 1}, {"pp", 1}, {"ep", 1}, {"_estimator", WorkloadPanel::kPerClassEstimator}});
    undo_->clear();
    projectPath_.clear();
    setWindowTitle("untitled[*] - llmdse");
    setWindowModified(false);
}

void MainWindow::saveProjectAs(const QString& given)
{
    const QString path = given.endsWith(".llmdse", Qt::CaseInsensitive) ? given : given + ".llmdse";
    Project p;
    p.design = snapshot();
    for (const auto& pin : compare_->pinned()) p.pinned.push_back({pin.label, toJson(pin.design), pin.estimator});
    p.studyText = sweep_->studyText();
    p.sweep = sweep_->sharedResults();
    p.front = sweep_->front();
    saveProject(path, p);
    projectPath_ = path;
    undo_->setClean();
    setWindowModified(false);
    setWindowTitle(QFileInfo(path).fileName() + "[*] - llmdse");
    rememberRecent(path);
    statusBar()->showMessage("Saved " + path, 8000);
}

void MainWindow::openProject(const QString& path)
{
    const Project p = loadProject(path); // nothing on screen changes unless the whole file reads
    std::vector<PinnedDesign> pins;
    for (size_t i = 0; i < p.pinned.size(); ++i) {
        const auto& pin = p.pinned[i];
        const std::string where = "pinned[" + std::to_string(i) + "]";
        const Design d = designFromJson(pin.design, path.toStdString(), where);
        auto est = createEstimator(pin.estimator.toStdString()); // metrics are re-estimated with this build's estimator
        pins.push_back({pin.label, d, est->evaluate(d), pin.estimator, {}}); // pin() adds the intervals
    }
    compare_->clear();
    for (auto& pin : pins) compare_->pin(std::move(pin));
    sweep_->restore(p.studyText, p.sweep, p.front);
    applySnapshot(p.design.isEmpty() ? snapshot() : p.design);
    undo_->clear();
    projectPath_ = path;
    setWindowModified(false);
    setWindowTitle(QFileInfo(path).fileName() + "[*] - llmdse");
    rememberRecent(path);
    statusBar()->showMessage(QString("Opened %1: %2 pinned design(s), %L3 sweep point(s)")
                                 .arg(path)
                                 .arg(pins.size())
                                 .arg(p.sweep ? qlonglong(p.sweep->size()) : 0),
                             8000);
}

void MainWindow::exportDesign(const QString& path) const
{
    llmdse::exportDesign(path, designFromJson(currentDesign()), estimatorId());
}

void MainWindow::exportComparison(const QString& path) const
{
    llmdse::exportComparison(path, *compare_, compareView_->chartImage(QSize(kReportTextWidthPx, 400)));
}

void MainWindow::exportSweep(const QString& path) const
{
    auto r = sweep_->sharedResults();
    if (!r) throw InputError(path.toStdString(), "", "nothing to export: run a sweep first");
    llmdse::exportSweep(path, *r, sweep_->front(), sweep_->chartImage(QSize(kReportTextWidthPx, 440)));
}

bool MainWindow::guardedAction(const std::function<void()>& action)
{
    try {
        action();
        return true;
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "llmdse", QString::fromUtf8(e.what()));
        statusBar()->showMessage(QString::fromUtf8(e.what()), 10000);
        return false;
    }
}

void MainWindow::rememberRecent(const QString& path)
{
    QSettings settings;
    QStringList recent = settings.value("recentProjects").toStringList();
    const QString abs = QFileInfo(path).absoluteFilePath();
    recent.removeAll(abs);
    recent.prepend(abs);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue("recentProjects", recent);
    settings.setValue("lastDir", QFileInfo(abs).absolutePath());
    fillRecentMenu();
}

void MainWindow::fillRecentMenu()
{
    if (!recentMenu_) return;
    recentMenu_->clear();
    const QStringList recent = QSettings().value("recentProjects").toStringList();
    for (const QString& f : recent)
        recentMenu_->addAction(QFileInfo(f).fileName(), this, [this, f] {
            if (maybeSave()) guardedAction([&] { openProject(f); });
        })->setToolTip(f);
    recentMenu_->setEnabled(!recent.isEmpty());
}

bool MainWindow::maybeSave()
{
    if (!isWindowModified() || QGuiApplication::platformName() == "offscreen") return true;
    const auto answer = QMessageBox::question(this, "llmdse", "Save the changes to the project first?",
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Cancel) return false;
    if (answer == QMessageBox::Discard) return true;
    QString f = projectPath_;
    if (f.isEmpty()) f = askExportPath("Save the project", "project", "llmdse projects (*.llmdse)");
    return !f.isEmpty() && guardedAction([&] { saveProjectAs(f); });
}

void MainWindow::closeEvent(QCloseEvent* e)
{
    if (!maybeSave()) {
        e->ignore();
        return;
    }
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState(kStateVersion));
    e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e)
{
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e)
{
    for (const QUrl& url : e->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        if (path.endsWith(".llmdse", Qt::CaseInsensitive)) {
            if (maybeSave()) guardedAction([&] { openProject(path); });
            continue;
        }
        QJsonObject o;
        try {
            o = readJsonObjectFile(path.toStdString()); // size-capped, regular files only
        } catch (const InputError&) {
            continue;
        }
        // A hardware description has "class"; a Hugging Face config has "model_type" or "architectures".
        if (o.contains("class")) hardware_->select(path);
        else model_->select(path);
    }
}

} // namespace llmdse
