#pragma once
// The Literature view: the survey's published batch-1 decode points as
// tokens/s against power, coloured by platform class, with the current design
// on the same axes (its decode tokens/s per sequence and average power); and,
// on its second tab, each mapped row's estimate against its published figure
// (the rows and rules of `llmdse validate --literature`), with y = x drawn.
#include "core/Design.h"
#include "core/Metrics.h"

#include <QStringList>
#include <QWidget>
#include <map>

class QChartView;
class QLabel;
class QTabWidget;

namespace llmdse {

class LiteratureView : public QWidget {
    Q_OBJECT
public:
    explicit LiteratureView(QWidget* parent = nullptr);
    void showDesign(const Design& d, const Metrics& m);
    int publishedPoints() const { return published_; }
    // Estimates the mapped rows and draws them (done once, when the tab is first shown).
    void showComparison();
    QChartView* comparisonView() const { return comparison_; }
    // For tests and hovering: each plotted row's text (mapping, published, estimate, error), by class.
    const QStringList& comparisonTips(const QString& cls) const;
    QString comparisonSummary() const;

private:
    void plot(const Design* d, const Metrics* m);
    QTabWidget* tabs_;
    QChartView* view_;
    QChartView* comparison_;
    QLabel* note_;
    QLabel* summary_;
    int published_ = 0;
    bool compared_ = false;
    std::map<QString, QStringList> tips_; // by series name
};

} // namespace llmdse
