#pragma once
// The Serving view: the docks' design as servers under a request stream, run in
// the background with the same code as `llmdse serve-sim`. The load is a
// Poisson rate or a closed loop of clients; several levels ("1,8,32") sweep it
// and plot TTFT and ITL against the load with the knee marked. The scheduler
// starts from the runtime profile's (max sequences, chunked prefill, steps per
// decision, admission order) and the servers can be replicas behind a router.
#include "ui/AsyncGuard.h"
#include <QJsonObject>
#include <QWidget>
#include <functional>
#include <vector>

class QChartView;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace llmdse {

struct ServingOutcome;
struct LoadPoint;

class ServingView : public QWidget {
    Q_OBJECT
public:
    // `design` gives the docks' design and `estimator` their estimator id.
    ServingView(std::function<QJsonObject()> design, std::function<QString()> estimator, QWidget* parent = nullptr);
    void run();
    bool running() const { return running_; }
    int rows() const; // metrics shown
    int chartSeries() const; // curves in the chart (a sweep: TTFT and ITL percentiles, the knee)
    double kneeLoad() const { return knee_; } // -1: none, or not a sweep

Q_SIGNALS:
    void finished(bool ok);

private:
    void show(const ServingOutcome& o, const QString& what);
    void showSweep(const std::vector<LoadPoint>& points, const QString& what, const QString& unit);
    std::function<QJsonObject()> design_;
    std::function<QString()> estimator_;
    QComboBox *loadMode_, *priority_, *router_;
    QLineEdit *load_, *prompt_, *output_;
    QDoubleSpinBox *sloTtft_, *sloTpot_;
    QSpinBox *requests_, *maxBatch_, *chunk_, *steps_, *replicas_, *sharedPrefix_;
    QCheckBox* prefixCaching_;
    QPushButton* runButton_;
    QLabel* status_;
    QTableWidget* table_;
    QChartView* chart_;
    bool running_ = false;
    double knee_ = -1;
    AsyncGuard guard_{this}; // last: destroyed first
};

} // namespace llmdse
