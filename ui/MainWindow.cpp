#include "ui/MainWindow.h"
#include "models/DesignJson.h"
#include "ui/CheckView.h"
#include "ui/CompareModel.h"
#include "ui/CompareView.h"
#include "ui/EstimateRunner.h"
#include "ui/LiteratureView.h"
#include "ui/ResultsView.h"
#include "ui/SweepView.h"
#include "ui/WorkloadPanel.h"
#include "ui/ZooPanels.h"

#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFile>
#include <QJsonDocument>
#include <QMenuBar>
#include <QMimeData>
#include <QScrollArea>
#include <QStatusBar>
#include <QTabWidget>

namespace llmdse {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), model_(new ModelPanel), hardware_(new HardwarePanel), workload_(new WorkloadPanel),
      results_(new ResultsView), literature_(new LiteratureView), tabs_(new QTabWidget),
      runner_(new EstimateRunner(this)), compare_(new CompareModel(this))
{
    setWindowTitle("llmdse - LLM inference design-space workbench");
    resize(1440, 900);
    setAcceptDrops(true);
    auto dock = [this](const char* title, QWidget* w, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(QString(title).remove(' '));
        d->setWidget(w);
        addDockWidget(area, d);
        return d;
    };
    dock("Model", model_, Qt::LeftDockWidgetArea);
    dock("Hardware", hardware_, Qt::LeftDockWidgetArea);
    dock("Workload & Optimizations", workload_, Qt::RightDockWidgetArea);
    auto* scroll = new QScrollArea;
    scroll->setWidget(results_);
    scroll->setWidgetResizable(true);
    tabs_->addTab(scroll, "Results");
    sweep_ = new SweepView([this] { return currentDesign(); });
    tabs_->addTab(sweep_, "Sweep");
    connect(sweep_, &SweepView::openDesign, this, [this](const QJsonObject& d) {
        loadDesign(d);
        showView("results");
    });
    tabs_->addTab(new CompareView(compare_), "Compare");
    tabs_->addTab(literature_, "Literature");
    check_ = new CheckView([this] { return currentDesign(); });
    tabs_->addTab(check_, "Check");
    QMenu* designMenu = menuBar()->addMenu("&Design");
    designMenu->addAction("&Pin for comparison", QKeySequence("Ctrl+P"), this, &MainWindow::pinCurrent);
    setCentralWidget(tabs_);

    connect(model_, &ModelPanel::changed, this, &MainWindow::estimate);
    connect(hardware_, &HardwarePanel::changed, this, &MainWindow::estimate);
    connect(workload_, &WorkloadPanel::changed, this, &MainWindow::estimate);
    connect(runner_, &EstimateRunner::estimateAvailable, this,
            [this](const Design& d, const Metrics& m, double s) {
                design_ = d;
                metrics_ = m;
                haveEstimate_ = true;
                results_->showEstimate(d, m, workload_->estimator());
                literature_->showDesign(d, m);
                statusBar()->showMessage(QString("%1 on %2: estimated in %3 ms by the %4 estimator")
                                             .arg(QString::fromStdString(d.model.id), QString::fromStdString(d.hardware.id))
                                             .arg(s * 1e3, 0, 'f', 2)
                                             .arg(workload_->estimator()));
                Q_EMIT resultsShown();
            });
    connect(runner_, &EstimateRunner::estimateFailed, this, &MainWindow::showFailure);
    model_->select("llama-3-8b");
    hardware_->select("h100-sxm");
}

void MainWindow::pinCurrent()
{
    if (!haveEstimate_) return;
    const QString label = QString("%1 / %2 / b%3 %4")
                              .arg(QString::fromStdString(design_.model.id), QString::fromStdString(design_.hardware.id))
                              .arg(design_.workload.batch)
                              .arg(QString::fromStdString(toString(design_.opts.weights)));
    compare_->pin({label, design_, metrics_, workload_->estimator()});
    statusBar()->showMessage("Pinned " + label + " (" + QString::number(compare_->columnCount()) + " in Compare)");
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
    o["model"] = model_->current();
    o["hardware"] = hardware_->current();
    return o;
}

void MainWindow::loadDesign(const QJsonObject& design)
{
    if (design.contains("model")) model_->select(design["model"].toString());
    if (design.contains("hardware")) hardware_->select(design["hardware"].toString());
    workload_->setValues(design);
}

void MainWindow::estimate()
{
    const QJsonObject o = currentDesign();
    if (o["model"].toString().isEmpty() || o["hardware"].toString().isEmpty()) return;
    try {
        runner_->submit(designFromJson(o), workload_->estimator());
    } catch (const std::exception& e) { // a design that cannot even be assembled (bad file, tp > heads ...)
        showFailure(QString::fromUtf8(e.what()));
    }
}

void MainWindow::showFailure(const QString& message)
{
    results_->showError(message);
    statusBar()->showMessage("Cannot estimate: " + message);
    Q_EMIT resultsShown();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e)
{
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e)
{
    for (const QUrl& url : e->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) continue;
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        // A hardware description has "class"; a Hugging Face config has "model_type" or "architectures".
        if (o.contains("class")) hardware_->select(path);
        else model_->select(path);
    }
}

} // namespace llmdse
