#pragma once
// Runs estimates off the UI thread. Each edit submits a design; only the most
// recent request's result is announced (older ones still running are dropped
// when they finish), so the window never shows a stale estimate and the event
// loop never waits for the estimator.
#include "ui/AsyncGuard.h"
#include "core/Design.h"
#include "core/Metrics.h"
#include "estimators/uncertainty/Uncertainty.h"

#include <QObject>
#include <QString>
#include <atomic>

namespace llmdse {

class EstimateRunner : public QObject {
    Q_OBJECT
public:
    explicit EstimateRunner(QObject* parent = nullptr);
    void submit(const Design& d, const QString& estimatorId);
    bool busy() const { return running_ > 0; }

Q_SIGNALS:
    // `uncertainty`: the interval of every headline metric (empty when it cannot be had), computed
    // here too, since a preset's unsourced figures cost further estimates.
    void estimateAvailable(const llmdse::Design& design, const llmdse::Metrics& metrics, double seconds,
                           const llmdse::Uncertainty& uncertainty);
    void estimateFailed(const QString& message);

private:
    std::atomic<quint64> latest_{0};
    std::atomic<int> running_{0};
    AsyncGuard guard_{this}; // last: destroyed first
};

} // namespace llmdse
