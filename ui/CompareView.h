#pragma once
// The Compare view: pinned designs as columns of a table (inputs, then metrics)
// and as grouped bars (each metric relative to the first pinned design). A
// column's header renames it (double-click) and has a context menu: rename,
// open in the docks, unpin. "Error bars" draws each bar's 90% interval.
#include <QImage>
#include <QJsonObject>
#include <QWidget>

class QChartView;
class QCheckBox;
class QTableView;

namespace llmdse {

class CompareModel;

class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(CompareModel* model, QWidget* parent = nullptr);
    QImage chartImage() const; // the grouped bars, for reports
    int currentColumn() const; // the selected design's column; -1 for none
    void unpinCurrent();       // the selected design, or the last pinned when none is selected
    void renameColumn(int column); // asks for a name
    void setErrorBars(bool on);    // draw each bar's interval (the "Error bars" box)
    QChartView* chartView() const { return chart_; }

Q_SIGNALS:
    void openDesign(const QJsonObject& design);

private:
    void replot();
    void showHeaderMenu(const QPoint& at);
    CompareModel* model_;
    QTableView* table_;
    QChartView* chart_;
    QCheckBox* errorBars_;
};

} // namespace llmdse
