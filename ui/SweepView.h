#pragma once
// The Sweep view: a study set up in the builder (parameters from the design's
// parameter list, objectives, constraints; the base follows the docks until the
// study is edited as JSON, and "Rebuild from panels" takes them again) or as JSON
// (the advanced view; parse errors give line and column); Run and Cancel with
// progress while oneTBB evaluates it in the background; a scatter of two metrics
// coloured by a chosen field, following the table's filter, with designs that do
// not fit apart, the Pareto front highlighted (with its 90% intervals as error bars
// on request) and the open design marked; and a
// sortable, filterable virtual table of every point with units. Clicking a point
// opens that design in the docks. A study with a "search" shows its front generation by
// generation: redrawn live as each generation arrives, then a slider replays them.
#include "estimators/sweep/MetricColumns.h"
#include "estimators/sweep/SweepRunner.h"
#include "ui/AsyncGuard.h"
#include "ui/SweepResults.h"

#include <QImage>
#include <QJsonObject>
#include <QList>
#include <QPointF>
#include <QPointer>
#include <QScatterSeries>
#include <QWidget>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

class QChart;
class QChartView;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QScatterSeries;
class QSlider;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace llmdse {

struct Study;
struct ScatterData;
class StudyBuilder;

class SweepView : public QWidget {
    Q_OBJECT
public:
    explicit SweepView(std::function<QJsonObject()> currentDesign, QWidget* parent = nullptr);
    ~SweepView() override { cancel(); } // a sweep still running stops; it posts nothing here (AsyncGuard)
    void setStudy(const QJsonObject& study); // shown in the builder when it can, and as JSON
    void run();
    void cancel();
    bool running() const { return running_; }
    const SweepResults* results() const { return results_.get(); }
    std::shared_ptr<SweepResults> sharedResults() const { return results_; }
    const std::vector<std::int64_t>& front() const { return front_; }
    QString studyText() const;
    // Shows saved results (a project being opened); null results clear the view.
    void restore(const QString& studyText, std::shared_ptr<SweepResults> results, std::vector<std::int64_t> front);
    QImage chartImage(QSize size); // the scatter (as of the current results) laid out at `size`, for reports
    SweepTableModel* table() const { return model_; }
    StudyBuilder* builder() const { return builder_; }
    void setFilter(const QString& text); // the table's filter (see SweepFilter); errors show in the status line
    void setColourBy(const QString& field); // "" for one colour, else an axis of the results
    QString status() const;
    // Draw the Pareto front's 90% intervals on the scatter (the "Error bars" box); replots.
    void setErrorBars(bool on);
    QChartView* chartView() const { return chart_; }
    // The docks' design changed: the builder's base follows it unless the study was edited as JSON.
    void designChanged();
    bool followsDocks() const { return follows_; }
    // The design open in the docks, marked on the scatter (its metrics as a sweep records them).
    void showOpenDesign(const Metrics& m);
    // A search: the generations received so far, and the one shown (its front; points evaluated up to it).
    int generations() const { return int(generations_.size()); }
    void showGeneration(int generation);

protected:
    void showEvent(QShowEvent* e) override;

Q_SIGNALS:
    void finished(bool cancelled, qlonglong evaluated);
    void openDesign(const QJsonObject& design);
    void plotted(); // the scatter shows the current results
    void generationShown(int generation); // a search's front was drawn for this generation

private:
    void proposeStudy();
    void builderChanged();
    void jsonEdited();
    void showStudyError(const QString& message, int offset = -1);
    void updateFollowLabel();
    void done(bool cancelled, qlonglong evaluated, QString error, std::vector<std::int64_t> front, double seconds);
    void plot(); // bins the points in the background, then showScatter()
    void showScatter(const ScatterData& d, MetricId mx, MetricId my);
    void showChart(QChart* chart); // replaces the chart and shows it in place of the placeholder
    void placeOpenMarker();
    void addGeneration(const SearchGeneration& g); // from a running search
    void showLiveFront(const SearchGeneration& g);
    QString generationText(const SearchGeneration& g) const;
    void fillChunks(bool all = false); // puts the scatter's points in; emits plotted() when all are in
    int colourAxis() const;
    size_t rowAt(const QPointF& p, MetricId mx, MetricId my) const;
    void openRow(size_t row);
    std::function<QJsonObject()> currentDesign_;
    QTabWidget* studyTabs_;
    StudyBuilder* builder_;
    QPlainTextEdit* editor_;
    QLabel* follow_;
    QPushButton *runButton_, *cancelButton_;
    QProgressBar* progress_;
    QLabel* status_;
    QComboBox *x_, *y_, *colour_;
    QCheckBox* errorBars_;
    QChartView* chart_;
    QStackedWidget* chartStack_; // the chart, or until there are results a line saying what it will show
    QLabel* chartPlaceholder_;
    QLineEdit* filter_;
    QWidget* generationRow_;
    QSlider* generationSlider_;
    QLabel* generationLabel_;
    std::vector<SearchGeneration> generations_;
    std::vector<size_t> plotted_; // result rows of the plotted points
    static constexpr qsizetype kChunk = 250; // markers put in the chart per series, each in one go
    std::deque<std::pair<QPointer<QScatterSeries>, QList<QPointF>>> pending_; // points not yet in the chart
    bool fillQueued_ = false;
    double scaleX_ = 1, scaleY_ = 1; // axis values per SI unit
    QScatterSeries* openMarker_ = nullptr;
    std::optional<MetricRow> open_;
    QTableView* table_;
    SweepTableModel* model_;
    std::shared_ptr<SweepResults> results_;
    std::shared_ptr<Study> study_;
    std::vector<std::int64_t> front_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    bool running_ = false;
    bool follows_ = true;      // the builder's base is the docks' design
    bool typed_ = false;       // the JSON was typed (or set) by hand since the builder last wrote it
    bool settingText_ = false; // the editor is being filled by code, not typed in
    quint64 plotGeneration_ = 0, shownGeneration_ = 0;
    AsyncGuard guard_{this}; // last: destroyed first
};

} // namespace llmdse
