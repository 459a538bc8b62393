#pragma once
// The Results view: metric cards with units (wrapping to the width), memory
// against capacity, where the time of prefill and decode goes, a roofline of
// the target with every operator as a point (the slowest labelled), the
// operators as a sortable table linked both ways with the roofline, and the
// provenance of every number (collapsed). A design that does not fit is
// flagged on every card and chart with what would make it fit; a failed
// estimate clears the numbers instead of leaving the last ones on screen.
#include "core/Design.h"
#include "core/Metrics.h"
#include "estimators/uncertainty/Uncertainty.h"

#include <QImage>
#include <QWidget>
#include <map>
#include <vector>

class QChart;
class QChartView;
class QGraphicsSimpleTextItem;
class QLabel;
class QProgressBar;
class QScatterSeries;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;
class QToolButton;

namespace llmdse {

class OpTableModel;
struct Headline;

class ResultsView : public QWidget {
    Q_OBJECT
public:
    explicit ResultsView(QWidget* parent = nullptr);
    // `u`: the metrics' intervals, shown under each card's value with their basis in its tooltip.
    void showEstimate(const Design& d, const Metrics& m, const QString& estimator, const Uncertainty& u = {});
    void showError(const QString& message); // clears every number: nothing stale stays on screen
    bool hasEstimate() const { return shown_; }
    QString cardText(const QString& key) const;   // for tests: the value shown on a card
    QString cardFlag(const QString& key) const;   // the card's warning ("does not fit"), "" when none
    QString cardInterval(const QString& key) const; // the card's interval ("7.70 ms – 8.30 ms"), "" when none
    QString cardTip(const QString& key) const;      // the card's tooltip
    bool feasible() const { return feasible_; }
    // The charts as images, for reports: at `size`, or as on screen.
    QImage breakdownImage(QSize size = {}) const;
    QImage rooflineImage(QSize size = {}) const;
    OpTableModel* operators() const { return ops_; }
    QTableView* operatorTable() const { return opTable_; }
    // The operator (a row of operators()) highlighted on the roofline; -1 for none.
    int highlightedOperator() const { return highlighted_; }
    void highlightOperator(int row);   // selects its table row too
    QPointF operatorPoint(int row) const; // its roofline point (FLOP/byte, GFLOP/s); (0, 0) when not plotted
    QChartView* roofline() const { return roofline_; }

Q_SIGNALS:
    void operatorHighlighted(int row);

private:
    struct Card {
        QWidget* frame;
        QLabel *title, *value, *interval, *flag;
    };
    void addCard(const Headline& h);
    void setCard(const Headline& h, const QString& tip, const Uncertainty& u);
    void plotBreakdown(const Metrics& m);
    void plotRoofline(const Design& d); // the operators as the table has them
    void placeLabels();
    void markInfeasible(QChart* chart) const;
    std::map<QString, Card> cards_;
    QChartView* breakdown_;
    QChartView* roofline_;
    QProgressBar* memory_;
    QLabel* banner_;   // does not fit, and what would
    QLabel* error_;
    QLabel* notes_;    // what the optimisations did
    QLabel* provenance_;
    QToolButton* provenanceToggle_;
    OpTableModel* ops_;
    QSortFilterProxyModel* opProxy_;
    QTableView* opTable_;
    // Roofline points: which operator each is, and the highlight and labels drawn over them.
    std::vector<std::pair<QScatterSeries*, std::vector<int>>> pointRows_;
    QScatterSeries* selected_ = nullptr;
    std::vector<std::pair<QGraphicsSimpleTextItem*, int>> labels_; // the slowest operators' labels, operator row
    QGraphicsSimpleTextItem* extraLabel_ = nullptr;                  // the highlighted one's, when not among them
    int highlighted_ = -1;
    bool feasible_ = true, shown_ = false;
    QString infeasibleTitle_;
};

} // namespace llmdse
