#pragma once
// The Check view: runs the model in the docks on this computer, with the reference
// engine (synthetic weights; predicted vs measured per operator and per phase) or with
// llama.cpp (the same weights exported to GGUF; per phase), beside the estimate for the
// `host` preset. The run happens in the background; the host is re-measured before each run.
#include "ui/AsyncGuard.h"
#include <QJsonObject>
#include <QWidget>
#include <functional>

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

class CheckView : public QWidget {
    Q_OBJECT
public:
    explicit CheckView(std::function<QJsonObject()> currentDesign, QWidget* parent = nullptr);
    void run();
    bool running() const { return running_; }
    int rows() const;

Q_SIGNALS:
    void finished(bool ok);

private:
    void show(const HostCheckResult& r);
    void show(const LlamaCppCheckResult& r);
    void runLlamaCpp(const QJsonObject& design);
    std::function<QJsonObject()> currentDesign_;
    QPushButton* runButton_;
    QComboBox* engine_;
    QSpinBox *prompt_, *output_, *repeat_;
    QLabel* status_;
    QStandardItemModel* model_;
    QTableView* table_;
    QChartView* chart_;
    bool running_ = false;
    AsyncGuard guard_{this}; // last: destroyed first
};

} // namespace llmdse
