#pragma once
// The workbench window: Model and Hardware docks (zoos, open or drop a file),
// the Workload & Optimizations dock, and the Results view, which updates off
// the UI thread after every edit.
#include "core/Design.h"
#include "core/Metrics.h"

#include <QJsonObject>
#include <QMainWindow>

class QTabWidget;

namespace llmdse {

class CheckView;
class CompareModel;
class EstimateRunner;
class LiteratureView;
class HardwarePanel;
class ModelPanel;
class ResultsView;
class SweepView;
class WorkloadPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    // Shows a design file's settings (keys as in `llmdse evaluate --design`).
    void loadDesign(const QJsonObject& design);
    QJsonObject currentDesign() const;
    ResultsView* results() const { return results_; }
    LiteratureView* literature() const { return literature_; }
    CompareModel* comparison() const { return compare_; }
    SweepView* sweep() const { return sweep_; }
    CheckView* check() const { return check_; }
    // Pins the design and metrics on screen for the Compare view.
    void pinCurrent();
    // Brings a view to the front: "results" or "literature"; false for any other name.
    bool showView(const QString& name);
    const Metrics& lastMetrics() const { return metrics_; }

Q_SIGNALS:
    void resultsShown();

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    void estimate();
    void showFailure(const QString& message);
    ModelPanel* model_;
    HardwarePanel* hardware_;
    WorkloadPanel* workload_;
    ResultsView* results_;
    LiteratureView* literature_;
    QTabWidget* tabs_;
    EstimateRunner* runner_;
    CompareModel* compare_;
    SweepView* sweep_ = nullptr;
    CheckView* check_ = nullptr;
    Design design_;
    Metrics metrics_;
    bool haveEstimate_ = false;
};

} // namespace llmdse
