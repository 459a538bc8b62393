#pragma once
// The Check view: runs the model in the docks on this computer, with the reference
// engine (synthetic weights; predicted vs measured per operator and per phase) or with
// llama.cpp (the same weights exported to GGUF; per phase), beside the estimate for the
// `host` preset. Its own batch, prompt and output (small by default: the Workload dock's
// are for the target hardware, not this CPU); before anything runs it shows the RAM the
// run needs and the time it should take, and refuses a model that does not fit in RAM.
// The run happens in the background and can be cancelled; the host is re-measured before each run.
#include "ui/AsyncGuard.h"
#include <QJsonObject>
#include <QWidget>
#include <atomic>
#include <functional>
#include <memory>

class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableView;

namespace llmdse {

struct HostCheckResult;
struct LlamaCppCheckResult;
struct CheckPlan;

class CheckView : public QWidget {
    Q_OBJECT
public:
    explicit CheckView(std::function<QJsonObject()> currentDesign, QWidget* parent = nullptr);
    ~CheckView() override;
    void run();    // refused (finished(false), the reason shown) when the model does not fit in RAM
    void cancel();
    bool running() const { return running_; }
    int rows() const;
    QString expectation() const; // the RAM and time line shown before running
    QString statusText() const;
    void refresh();              // the docks' model changed: plan again

Q_SIGNALS:
    void finished(bool ok);

protected:
    void showEvent(QShowEvent* e) override;

private:
    bool plan(CheckPlan& p, QString& model); // false: the docks' model cannot be resolved (status says why)
    void show(const HostCheckResult& r);
    void show(const LlamaCppCheckResult& r);
    void runLlamaCpp(const QJsonObject& design);
    void started(const QString& what);
    void ended(const QString& error);
    std::function<QJsonObject()> currentDesign_;
    QPushButton *runButton_, *cancelButton_;
    QComboBox* engine_;
    QSpinBox *batch_, *prompt_, *output_, *repeat_;
    QLabel* expect_;
    QLabel* status_;
    QStandardItemModel* model_;
    QTableView* table_;
    QChartView* chart_;
    bool running_ = false;
    std::shared_ptr<std::atomic<bool>> cancel_;
    AsyncGuard guard_{this}; // last: destroyed first
};

} // namespace llmdse
