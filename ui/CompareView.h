#pragma once
// The Compare view: pinned designs as columns of a table and as grouped bars
// (each metric relative to the first pinned design).
#include <QImage>
#include <QWidget>

class QChartView;
class QTableView;

namespace llmdse {

class CompareModel;

class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(CompareModel* model, QWidget* parent = nullptr);
    QImage chartImage() const; // the grouped bars, for reports

private:
    void replot();
    CompareModel* model_;
    QTableView* table_;
    QChartView* chart_;
};

} // namespace llmdse
