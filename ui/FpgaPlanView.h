#pragma once
// The FPGA plan view: the docks' model compiled onto their FPGA card (llmdse compile), one row
// per stage with its parallelism, memory ports, resource bars (DSP, BRAM, URAM, LUT as shares
// of the part) and initiation interval, and the design's clock, throughput and power below.
#include "estimators/fpga/FpgaPlan.h"

#include <QJsonObject>
#include <QWidget>
#include <functional>

class QComboBox;
class QLabel;
class QTableWidget;

namespace llmdse {

class FpgaPlanView : public QWidget {
    Q_OBJECT
public:
    explicit FpgaPlanView(std::function<QJsonObject()> currentDesign, QWidget* parent = nullptr);
    void compile();                 // the docks' design; a design that is not on an FPGA says so
    void showPlan(const FpgaPlan& p);
    int rows() const;
    QString statusText() const;

protected:
    void showEvent(QShowEvent* e) override;

private:
    std::function<QJsonObject()> currentDesign_;
    QComboBox* style_;
    QTableWidget* table_;
    QLabel *status_, *summary_;
};

} // namespace llmdse
