#pragma once
// The Results view: metric cards with units, the time breakdown of prefill
// and a decode step (compute, memory, overhead, communication), a roofline of
// the target with every operator as a point, memory against capacity, and the
// provenance of every number.
#include "core/Design.h"
#include "core/Metrics.h"

#include <QImage>
#include <QWidget>
#include <map>

class QLabel;
class QProgressBar;
class QChart;
class QChartView;

namespace llmdse {

class ResultsView : public QWidget {
    Q_OBJECT
public:
    explicit ResultsView(QWidget* parent = nullptr);
    void showEstimate(const Design& d, const Metrics& m, const QString& estimator);
    void showError(const QString& message);
    QString cardText(const QString& key) const; // for tests: the value shown on a card
    QImage breakdownImage() const;               // the charts as images, for reports
    QImage rooflineImage() const;

private:
    void addCard(const QString& key, const QString& title);
    void setCard(const QString& key, const QString& value, const QString& tip = {});
    void plotBreakdown(const Metrics& m);
    void plotRoofline(const Design& d, const Metrics& m);
    std::map<QString, QLabel*> cards_;
    QChartView* breakdown_;
    QChartView* roofline_;
    QProgressBar* memory_;
    QLabel* provenance_;
    QLabel* error_;
    QLabel* notes_; // what the optimisations did
};

} // namespace llmdse
