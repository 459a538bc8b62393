#pragma once
// The Literature view: the survey's published batch-1 decode points as
// tokens/s against power, coloured by platform class, with the current design
// on the same axes (its decode tokens/s per sequence and average power).
#include "core/Design.h"
#include "core/Metrics.h"

#include <QWidget>

class QChartView;
class QLabel;

namespace llmdse {

class LiteratureView : public QWidget {
    Q_OBJECT
public:
    explicit LiteratureView(QWidget* parent = nullptr);
    void showDesign(const Design& d, const Metrics& m);
    int publishedPoints() const { return published_; }

protected:
    void showEvent(QShowEvent* e) override;

private:
    void plot(const Design* d, const Metrics* m);
    Design design_;
    Metrics metrics_;
    bool stale_ = false; // design_ is not drawn yet
    QChartView* view_;
    QLabel* note_;
    int published_ = 0;
};

} // namespace llmdse
