#pragma once
// The Serving view: the docks' design as a server under a Poisson request
// stream (continuous batching, chunked prefill, a KV-cache block budget), run
// in the background with the same code as `llmdse serve-sim`; TTFT, TPOT and
// end-to-end percentiles, throughput, goodput under the SLO and energy.
#include "ui/AsyncGuard.h"
#include <QJsonObject>
#include <QWidget>
#include <functional>

class QChartView;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace llmdse {

struct ServingOutcome;

class ServingView : public QWidget {
    Q_OBJECT
public:
    // `design` gives the docks' design and `estimator` their estimator id.
    ServingView(std::function<QJsonObject()> design, std::function<QString()> estimator, QWidget* parent = nullptr);
    void run();
    bool running() const { return running_; }
    int rows() const; // metrics shown

Q_SIGNALS:
    void finished(bool ok);

private:
    void show(const ServingOutcome& o, const QString& what);
    std::function<QJsonObject()> design_;
    std::function<QString()> estimator_;
    QDoubleSpinBox *rate_, *sloTtft_, *sloTpot_;
    QSpinBox *requests_, *maxBatch_, *chunk_;
    QLineEdit *prompt_, *output_;
    QPushButton* runButton_;
    QLabel* status_;
    QTableWidget* table_;
    QChartView* chart_;
    bool running_ = false;
    AsyncGuard guard_{this}; // last: destroyed first
};

} // namespace llmdse
