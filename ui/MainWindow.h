#pragma once
// The workbench window: Model, Hardware, Properties and Workload docks, the
// Results / Sweep / Compare / Literature / Check views, projects (one SQLite
// file), undo/redo of every edit, exports, and settings that persist.
#include "core/Design.h"
#include "core/Metrics.h"
#include "estimators/uncertainty/Uncertainty.h"

#include <QJsonObject>
#include <QMainWindow>
#include <functional>
#include <vector>

class QDockWidget;
class QMenu;
class QTabWidget;
class QUndoStack;

namespace llmdse {

class CheckView;
class CompareModel;
class CompareView;
class DesignFieldModel;
class EstimateRunner;
class LiteratureView;
class HardwarePanel;
class ModelPanel;
class ResultsView;
class ServingView;
class SweepView;
class WorkloadPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;
    // Applies a design file's settings (keys as in `llmdse evaluate --design`); keys it lacks keep their values.
    void loadDesign(const QJsonObject& design);
    QJsonObject currentDesign() const;  // design-file keys, edited properties included
    QString estimatorId() const;
    ResultsView* results() const { return results_; }
    LiteratureView* literature() const { return literature_; }
    CompareModel* comparison() const { return compare_; }
    SweepView* sweep() const { return sweep_; }
    CheckView* check() const { return check_; }
    ServingView* serving() const { return serving_; }
    DesignFieldModel* properties() const { return fields_; }
    QUndoStack* undoStack() const { return undo_; }
    // Pins the design and metrics on screen for the Compare view; false when it is already pinned
    // (a warning says which column) or there is no estimate to pin.
    bool pinCurrent();
    CompareView* compareView() const { return compareView_; }
    // View > Reset layout: the docks where they start, at their starting widths.
    void resetLayout();
    // Brings a view to the front by its tab name; false for an unknown name.
    bool showView(const QString& name);
    const Metrics& lastMetrics() const { return metrics_; }
    // Overrides one model/hardware/runtime property of the preset (a dotted design key), undoably.
    void editProperty(const QString& key, const QJsonValue& value);
    void resetProperties();

    // Projects and exports; each throws InputError naming the file (the menu actions show it).
    // A project path without the .llmdse extension gets it (the Open dialog lists only those).
    void saveProjectAs(const QString& path);
    void openProject(const QString& path);
    void newProject();
    QString projectPath() const { return projectPath_; }
    void exportDesign(const QString& path) const;
    void exportComparison(const QString& path) const;
    void exportSweep(const QString& path) const;
    // Where an export is proposed: the project's folder (else the last one used), named after the
    // project (else the design) and the kind: "study-comparison.pdf".
    QString proposedExportPath(const QString& kind, const QString& extension) const;

Q_SIGNALS:
    void resultsShown();

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;
    void closeEvent(QCloseEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;
    void showEvent(QShowEvent* e) override;

private:
    void buildMenus();
    void buildHelpMenu();
    QString askExportPath(const QString& title, const QString& kind, const QString& filter);
    void edited();                              // any dock changed: record an undo step, re-estimate
    void applySnapshot(const QJsonObject& s);   // undo/redo: the whole design
    QJsonObject snapshot() const;
    void estimate();
    void showFailure(const QString& message);
    void rememberRecent(const QString& path);
    void fillRecentMenu();
    bool guardedAction(const std::function<void()>& action);
    bool maybeSave();
    std::vector<QDockWidget*> sideDocks_;
    ModelPanel* model_;
    HardwarePanel* hardware_;
    WorkloadPanel* workload_;
    ResultsView* results_;
    LiteratureView* literature_;
    QTabWidget* tabs_;
    EstimateRunner* runner_;
    CompareModel* compare_;
    CompareView* compareView_ = nullptr;
    SweepView* sweep_ = nullptr;
    CheckView* check_ = nullptr;
    ServingView* serving_ = nullptr;
    DesignFieldModel* fields_;
    QUndoStack* undo_;
    QMenu* recentMenu_ = nullptr;
    QByteArray defaultState_; // the docks as built, for View > Reset layout
    bool layoutRestored_ = false, shownOnce_ = false;
    void fitDocksToWindow();
    QJsonObject overrides_;     // edited properties: dotted keys -> values
    QJsonObject lastSnapshot_;  // the design as of the last recorded edit
    bool applying_ = false;     // set while undo/redo/load drives the docks
    QString projectPath_;
    Design design_;
    Metrics metrics_;
    Uncertainty uncertainty_; // metrics_'s intervals
    bool haveEstimate_ = false;
};

} // namespace llmdse
