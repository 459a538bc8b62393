#pragma once
// The Sweep view: a study (JSON, prefilled around the current design), Run
// and Cancel with progress while oneTBB evaluates it in the background, a
// scatter of two metrics with the Pareto front highlighted (the cloud binned
// to one point per cell of a log grid; the front whole), and a sortable,
// filterable virtual table of every point. Clicking a plotted point opens that design in the docks.
#include "ui/AsyncGuard.h"
#include "ui/SweepResults.h"

#include <QImage>
#include <QJsonObject>
#include <QWidget>
#include <atomic>
#include <functional>
#include <memory>

class QChartView;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace llmdse {

struct Study;
struct ScatterData;

class SweepView : public QWidget {
    Q_OBJECT
public:
    explicit SweepView(std::function<QJsonObject()> currentDesign, QWidget* parent = nullptr);
    ~SweepView() override { cancel(); } // a sweep still running stops; it posts nothing here (AsyncGuard)
    void setStudy(const QJsonObject& study);
    void run();
    void cancel();
    bool running() const { return running_; }
    const SweepResults* results() const { return results_.get(); }
    std::shared_ptr<SweepResults> sharedResults() const { return results_; }
    const std::vector<std::int64_t>& front() const { return front_; }
    QString studyText() const;
    // Shows saved results (a project being opened); null results clear the view.
    void restore(const QString& studyText, std::shared_ptr<SweepResults> results, std::vector<std::int64_t> front);
    QImage chartImage(); // the scatter (as of the current results), for reports
    SweepTableModel* table() const { return model_; }
    void setFilter(const QString& text); // the table's filter (see SweepFilter); errors show in the status line

protected:
    void showEvent(QShowEvent* e) override;

Q_SIGNALS:
    void finished(bool cancelled, qlonglong evaluated);
    void openDesign(const QJsonObject& design);
    void plotted(); // the scatter shows the current results

private:
    void done(bool cancelled, qlonglong evaluated, QString error, std::vector<std::int64_t> front, double seconds);
    void plot(); // bins the points in the background, then showScatter()
    void showScatter(const ScatterData& d, MetricId mx, MetricId my);
    size_t rowAt(const QPointF& p, MetricId mx, MetricId my) const;
    void openRow(size_t row);
    std::function<QJsonObject()> currentDesign_;
    QPlainTextEdit* editor_;
    QPushButton *runButton_, *cancelButton_;
    QProgressBar* progress_;
    QLabel* status_;
    QComboBox *x_, *y_;
    QChartView* chart_;
    QLineEdit* filter_;
    std::vector<size_t> plotted_; // result rows of the plotted points, in series order
    QTableView* table_;
    SweepTableModel* model_;
    std::shared_ptr<SweepResults> results_;
    std::shared_ptr<Study> study_;
    std::vector<std::int64_t> front_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    bool running_ = false;
    quint64 plotGeneration_ = 0, shownGeneration_ = 0;
    AsyncGuard guard_{this}; // last: destroyed first
};

} // namespace llmdse
